import { PropsWithChildren } from 'react';
import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
} from '@backstage/core-components';
import { NotificationsSidebarItem } from '@herald/plugin-notifications';
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

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <Logo />
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        <NotificationsSidebarItem />
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
);
