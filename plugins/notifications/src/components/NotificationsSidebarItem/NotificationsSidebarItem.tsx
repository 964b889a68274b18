import { SidebarItem } from '@backstage/core-components';
import { alertApiRef, IconComponent, useApi } from '@backstage/core-plugin-api';
import {
  Notification,
  NotificationSignal,
  notificationFromJson,
} from '@herald/plugin-notifications-common';
import Badge from '@material-ui/core/Badge';
import { makeStyles } from '@material-ui/core/styles';
import NotificationsIcon from '@material-ui/icons/Notifications';
import SyncIcon from '@material-ui/icons/Sync';
import { ReactNode, useCallback, useMemo, useState } from 'react';
import { notificationsApiRef } from '../../api';
import { useUnreadCount } from '../../hooks/useUnreadCount';
import { useUpdateNotifications } from '../../hooks/useUpdateNotifications';
import { useOpenNotification } from '../../hooks/useOpenNotification';
import { useNotificationsPath } from '../../hooks/useNotificationsPath';
import { NotificationErrorBoundary, toPlainText } from '../NotificationContent';
import {
  NotificationSnackbarProperties,
  NotificationSnackbars,
  SnackbarFeed,
} from './NotificationSnackbars';
import { useNavigate } from 'react-router-dom';
import { useTitleCounter } from './useTitleCounter';
import { useWebNotifications } from './useWebNotifications';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from '../../translation';

/** How often the unread count is re-read when signals are not installed. */
const STATUS_POLL_INTERVAL_MS = 30_000;

/**
 * What a custom `renderItem` of the sidebar item gets.
 * @public
 */
export type NotificationsRenderItemProps = {
  unreadCount: number;
  /** The path of the notifications page. */
  to: string;
  /** Asks for permission to show web notifications, when they are enabled. */
  onClick: () => void;
};

/** @public */
export type NotificationsSideBarItemProps = {
  webNotificationsEnabled?: boolean;
  titleCounterEnabled?: boolean;
  /** @deprecated use `snackbarProps.enabled` */
  snackbarEnabled?: boolean;
  /** @deprecated use `snackbarProps.autoHideDuration` */
  snackbarAutoHideDuration?: number | null;
  snackbarProps?: NotificationSnackbarProperties;
  className?: string;
  icon?: IconComponent;
  text?: string;
  disableHighlight?: boolean;
  noTrack?: boolean;
  renderItem?: (props: NotificationsRenderItemProps) => ReactNode;
  /**
   * Milliseconds between unread-count polls while signals are unavailable
   * (not installed, or disconnected).
   */
  pollingIntervalMs?: number;
};

const useStyles = makeStyles(theme => ({
  staleBadge: {
    backgroundColor: theme.palette.grey[700],
    color: theme.palette.common.white,
  },
  iconWithMark: {
    position: 'relative',
    display: 'inline-flex',
  },
  syncMark: {
    position: 'absolute',
    left: -6,
    bottom: -4,
    fontSize: 14,
    borderRadius: '50%',
    color: theme.palette.common.white,
    backgroundColor: theme.palette.grey[700],
  },
}));

function formatCount(count: number): string {
  return count > 99 ? '99+' : String(count);
}

/**
 * The icon with the unread count. While reconnecting the count is the last
 * known one, drawn in grey with a sync mark, so it never reads as current.
 */
function withBadge(
  Icon: IconComponent,
  unreadCount: number,
  label: string,
  reconnecting: boolean,
  classes: ReturnType<typeof useStyles>,
): IconComponent {
  return (props: { fontSize?: 'medium' | 'large' | 'small' | 'inherit' }) => (
    <Badge
      badgeContent={formatCount(unreadCount)}
      color={reconnecting ? 'default' : 'secondary'}
      invisible={unreadCount <= 0 && !reconnecting}
      showZero={reconnecting}
      overlap="rectangular"
      role="group"
      aria-label={label}
      data-testid="notifications-unread-badge"
      data-reconnecting={reconnecting ? 'true' : undefined}
      classes={reconnecting ? { badge: classes.staleBadge } : undefined}
    >
      {reconnecting ? (
        <span className={classes.iconWithMark}>
          <Icon {...props} />
          <SyncIcon
            className={classes.syncMark}
            data-testid="notifications-reconnecting"
          />
        </span>
      ) : (
        <Icon {...props} />
      )}
    </Badge>
  );
}

/**
 * The sidebar entry of the notifications page: unread badge and title
 * counter kept current by signals (or polling), snackbars and browser
 * notifications for new notifications.
 * @public
 */
export function NotificationsSidebarItem(
  props?: NotificationsSideBarItemProps,
) {
  return (
    <NotificationErrorBoundary
      fallback={<PlainNotificationsSidebarItem {...props} />}
    >
      <LiveNotificationsSidebarItem {...props} />
    </NotificationErrorBoundary>
  );
}

/**
 * The entry without anything live, so that a notification the live item
 * cannot handle still leaves the way to the page.
 */
function PlainNotificationsSidebarItem(props?: NotificationsSideBarItemProps) {
  const to = useNotificationsPath();
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (
    <SidebarItem
      className={props?.className}
      to={to}
      text={props?.text ?? t('sidebar.title')}
      icon={props?.icon ?? NotificationsIcon}
    />
  );
}

function LiveNotificationsSidebarItem(props?: NotificationsSideBarItemProps) {
  const {
    webNotificationsEnabled = false,
    titleCounterEnabled = true,
    snackbarEnabled = true,
    snackbarAutoHideDuration = 15000,
    snackbarProps,
    icon = NotificationsIcon,
    text,
    renderItem,
    pollingIntervalMs = STATUS_POLL_INTERVAL_MS,
    ...sidebarItemProps
  } = props ?? {};
  // Unlike upstream, partial snackbar props keep the defaults they omit.
  const snackbarOptions: NotificationSnackbarProperties = {
    enabled: snackbarEnabled,
    autoHideDuration: snackbarAutoHideDuration,
    ...snackbarProps,
  };
  const snackbarsOn = snackbarOptions.enabled !== false;

  const api = useApi(notificationsApiRef);
  const alertApi = useApi(alertApiRef);
  const classes = useStyles();
  const { t } = useTranslationRef(notificationsTranslationRef);
  const to = useNotificationsPath();
  const feed = useMemo(() => new SnackbarFeed(), []);
  const navigate = useNavigate();
  const [brokenSignal, setBrokenSignal] = useState<Error>();
  if (brokenSignal) {
    throw brokenSignal;
  }
  const web = useWebNotifications(webNotificationsEnabled);
  const update = useUpdateNotifications(() =>
    t('sidebar.errors.markAsReadFailed'),
  );

  const markRead = useCallback(
    (notification: Notification) => update([notification.id], { read: true }),
    [update],
  );

  const open = useOpenNotification();

  const announce = useCallback(
    (notification: Notification) => {
      web.show({
        title: toPlainText(notification.payload.title),
        body: toPlainText(notification.payload.description),
        tag: notification.id,
        onClick: () => {
          window.focus();
          open(notification);
        },
      });
      if (snackbarsOn) {
        feed.add(notification);
      }
    },
    [web, snackbarsOn, open, feed],
  );

  const onSignal = (signal: NotificationSignal) => {
    if (signal.action === 'notification_read') {
      feed.read(signal.notification_ids);
      return;
    }
    if (signal.action !== 'new_notification') {
      return;
    }
    if (!webNotificationsEnabled && !snackbarsOn) {
      return;
    }
    if (signal.notification) {
      let notification: Notification;
      try {
        notification = notificationFromJson(signal.notification);
      } catch (e) {
        // Thrown from render, so the error boundary swaps in the plain item.
        setBrokenSignal(() => e);
        return;
      }
      announce(notification);
      return;
    }
    api.getNotification(signal.notification_id).then(announce, () =>
      alertApi.post({
        message: t('sidebar.errors.fetchNotificationFailed'),
        severity: 'error',
      }),
    );
  };

  const { unreadCount = 0, reconnecting } = useUnreadCount({
    pollIntervalMs: pollingIntervalMs,
    onSignal,
  });
  useTitleCounter(
    unreadCount,
    titleCounterEnabled,
    reconnecting ? t('sidebar.reconnecting') : undefined,
  );

  const count = unreadCount;
  const badgeLabel = reconnecting
    ? t('sidebar.unreadBadgeReconnecting')
    : t('sidebar.unreadBadge');
  const BadgedIcon = useMemo(
    () => withBadge(icon, count, badgeLabel, reconnecting, classes),
    [icon, count, badgeLabel, reconnecting, classes],
  );

  return (
    <>
      {snackbarsOn && (
        <NotificationSnackbars
          options={snackbarOptions}
          feed={feed}
          actions={{
            onOpen: open,
            onMarkRead: markRead,
            onViewAll: () => navigate(to),
          }}
        />
      )}
      {renderItem ? (
        renderItem({ unreadCount: count, to, onClick: web.requestPermission })
      ) : (
        <SidebarItem
          {...sidebarItemProps}
          to={to}
          text={text ?? t('sidebar.title')}
          icon={BadgedIcon}
          onClick={web.requestPermission}
        />
      )}
    </>
  );
}
