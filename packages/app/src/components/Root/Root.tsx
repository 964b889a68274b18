import { PropsWithChildren } from 'react';
import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
} from '@backstage/core-components';
import {
  NotificationsBadgeIcon,
  NotificationsLive,
  NotificationsSidebarItem,
} from '@herald/plugin-notifications';
import MenuIcon from '@material-ui/icons/Menu';
import PlaylistAddCheck from '@material-ui/icons/PlaylistAddCheck';
import Settings from '@material-ui/icons/Settings';
import Typography from '@material-ui/core/Typography';

const Logo = () => (
  <Typography
    variant="h5"
    component="div"
    style={{ color: 'white', padding: '20px 24px 12px', fontWeight: 700 }}
  >
    Herald
  </Typography>
);

// The live notifications wrap the sidebar, so the count, the title counter
// and the snackbars work on a phone too, where the sidebar's groups become a
// bottom bar and their items are mounted only while a group is open. There
// the Notifications group is a link whose icon carries the count.
export const Root = ({ children }: PropsWithChildren<{}>) => (
  <NotificationsLive>
    <SidebarPage>
      <Sidebar>
        <Logo />
        <SidebarGroup
          label="Notifications"
          icon={<NotificationsBadgeIcon />}
          to="/notifications"
        >
          <NotificationsSidebarItem />
        </SidebarGroup>
        <SidebarGroup label="Menu" icon={<MenuIcon />}>
          <SidebarItem icon={PlaylistAddCheck} to="example-todo" text="Todos" />
        </SidebarGroup>
        <SidebarSpace />
        <SidebarDivider />
        <SidebarGroup label="Settings" icon={<Settings />} to="/settings">
          <SidebarItem icon={Settings} to="settings" text="Settings" />
        </SidebarGroup>
      </Sidebar>
      {children}
    </SidebarPage>
  </NotificationsLive>
);
