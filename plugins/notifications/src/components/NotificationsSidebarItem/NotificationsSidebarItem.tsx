import { SidebarItem } from '@backstage/core-components';
import { alertApiRef, IconComponent, useApi } from '@backstage/core-plugin-api';
import {
  Notification,
  NotificationSignal,
  notificationFromJson,
} from '@herald/plugin-notifications-common';
import { RiNotification3Line, RiRefreshLine } from '@remixicon/react';
import {
  CSSProperties,
  ReactNode,
  createContext,
  useCallback,
  useContext,
  useInsertionEffect,
  useMemo,
  useState,
} from 'react';
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

/**
 * What keeps the notifications live, shared by `NotificationsLive` and
 * `NotificationsSidebarItem`.
 * @public
 */
export type NotificationsLiveProps = Pick<
  NotificationsSideBarItemProps,
  | 'webNotificationsEnabled'
  | 'titleCounterEnabled'
  | 'snackbarEnabled'
  | 'snackbarAutoHideDuration'
  | 'snackbarProps'
  | 'pollingIntervalMs'
>;

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

const iconSizes = { small: 20, medium: 24, large: 35, inherit: '1em' };

/** The bell, sized like the other icons of a Backstage sidebar. */
function NotificationsIcon(props: {
  fontSize?: 'medium' | 'large' | 'small' | 'inherit';
}) {
  return (
    <RiNotification3Line
      size={iconSizes[props.fontSize ?? 'medium']}
      aria-hidden
    />
  );
}

/*
 * White on the badge colours stays above 5:1: red while current, grey
 * while reconnecting, in both themes (the sidebar is dark in both).
 */
const badgeColors = { live: '#c62828', stale: '#616161' };

const countStyle: CSSProperties = {
  position: 'absolute',
  top: -8,
  right: -10,
  minWidth: 18,
  height: 18,
  padding: '0 5px',
  boxSizing: 'border-box',
  borderRadius: 9,
  color: '#ffffff',
  fontSize: 11,
  fontWeight: 600,
  lineHeight: '18px',
  textAlign: 'center',
  pointerEvents: 'none',
};

const syncMarkStyle: CSSProperties = {
  position: 'absolute',
  left: -6,
  bottom: -4,
  borderRadius: '50%',
  color: '#ffffff',
  backgroundColor: badgeColors.stale,
};

/*
 * The count is drawn from an attribute by a CSS rule, so it is no text of
 * the sidebar link: links named by an aria-label of Backstage's own (a
 * phone's bottom bar) would otherwise show text their name lacks (WCAG
 * 2.5.3). Our own sidebar link carries the count in its name instead.
 */
const BADGE_COUNT_CLASS = 'herald-notifications-badge-count';
const BADGE_COUNT_RULE = `.${BADGE_COUNT_CLASS}::after { content: attr(data-count); }`;

function useBadgeCountRule() {
  useInsertionEffect(() => {
    if (!document.getElementById(BADGE_COUNT_CLASS)) {
      const style = document.createElement('style');
      style.id = BADGE_COUNT_CLASS;
      style.textContent = BADGE_COUNT_RULE;
      document.head.appendChild(style);
    }
  }, []);
}

function BadgeCount(props: { text: string; reconnecting: boolean }) {
  useBadgeCountRule();
  return (
    <span
      className={BADGE_COUNT_CLASS}
      data-testid="notifications-badge-count"
      data-count={props.text}
      style={{
        ...countStyle,
        backgroundColor: props.reconnecting
          ? badgeColors.stale
          : badgeColors.live,
      }}
    />
  );
}

function formatCount(count: number): string {
  return count > 99 ? '99+' : String(count);
}

/** What a badge shows: nothing when all is read and current. */
function badgeText(unreadCount: number, reconnecting: boolean) {
  return unreadCount > 0 || reconnecting ? formatCount(unreadCount) : '';
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
  testId = 'notifications-unread-badge',
): IconComponent {
  const text = badgeText(unreadCount, reconnecting);
  return (props: { fontSize?: 'medium' | 'large' | 'small' | 'inherit' }) => (
    <span
      role="group"
      aria-label={label}
      data-testid={testId}
      data-reconnecting={reconnecting ? 'true' : undefined}
      style={{ position: 'relative', display: 'inline-flex' }}
    >
      <Icon {...props} />
      {reconnecting && (
        <RiRefreshLine
          size={14}
          style={syncMarkStyle}
          aria-hidden
          data-testid="notifications-reconnecting"
        />
      )}
      {text && <BadgeCount text={text} reconnecting={reconnecting} />}
    </span>
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

/** What the live part shares with the sidebar item and the badge icon. */
type LiveState = {
  unreadCount: number;
  reconnecting: boolean;
  requestPermission: () => void;
};

const LiveContext = createContext<LiveState | undefined>(undefined);

/**
 * The live part of the sidebar item: the unread count, the title counter,
 * snackbars and browser notifications.
 */
function useLiveNotifications(options: NotificationsLiveProps) {
  const {
    webNotificationsEnabled = false,
    titleCounterEnabled = true,
    snackbarEnabled = true,
    snackbarAutoHideDuration = 15000,
    snackbarProps,
    pollingIntervalMs = STATUS_POLL_INTERVAL_MS,
  } = options;
  // Unlike upstream, partial snackbar props keep the defaults they omit.
  const snackbarOptions: NotificationSnackbarProperties = {
    enabled: snackbarEnabled,
    autoHideDuration: snackbarAutoHideDuration,
    ...snackbarProps,
  };
  const snackbarsOn = snackbarOptions.enabled !== false;

  const api = useApi(notificationsApiRef);
  const alertApi = useApi(alertApiRef);
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
    // Read, done or snoozed elsewhere: its snackbar has nothing left to ask.
    if (
      signal.action === 'notification_read' ||
      signal.action === 'notification_done' ||
      signal.action === 'notification_snoozed'
    ) {
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

  return {
    state: {
      unreadCount,
      reconnecting,
      requestPermission: web.requestPermission,
    },
    snackbars: snackbarsOn ? (
      <NotificationSnackbars
        options={snackbarOptions}
        feed={feed}
        actions={{
          onOpen: open,
          onMarkRead: markRead,
          onViewAll: () => navigate(to),
        }}
      />
    ) : null,
  };
}

/**
 * Runs what keeps the notifications live (the unread count, the title
 * counter, snackbars and browser notifications) around the app's sidebar
 * rather than inside it, so they work while the sidebar item is not
 * mounted, as in the collapsed menu of a phone's bottom bar.
 * `NotificationsSidebarItem` and `NotificationsBadgeIcon` inside it show
 * its count instead of keeping their own.
 * @public
 */
export function NotificationsLive(
  props: NotificationsLiveProps & { children?: ReactNode },
) {
  return (
    <NotificationErrorBoundary fallback={<>{props.children}</>}>
      <LiveProvider {...props} />
    </NotificationErrorBoundary>
  );
}

function LiveProvider(
  props: NotificationsLiveProps & { children?: ReactNode },
) {
  const { children, ...options } = props;
  const live = useLiveNotifications(options);
  return (
    <LiveContext.Provider value={live.state}>
      {live.snackbars}
      {children}
    </LiveContext.Provider>
  );
}

/**
 * The bell with the unread count of the enclosing `NotificationsLive`, for
 * places outside the sidebar item, such as the icon of a sidebar group on
 * a phone's bottom bar.
 * @public
 */
export function NotificationsBadgeIcon(props: {
  icon?: IconComponent;
  fontSize?: 'medium' | 'large' | 'small' | 'inherit';
}) {
  const live = useContext(LiveContext);
  const { t } = useTranslationRef(notificationsTranslationRef);
  const Icon = props.icon ?? NotificationsIcon;
  const unreadCount = live?.unreadCount ?? 0;
  const reconnecting = live?.reconnecting ?? false;
  const label = reconnecting
    ? t('sidebar.unreadBadgeReconnecting')
    : t('sidebar.unreadBadge');
  const BadgedIcon = useMemo(
    () =>
      withBadge(
        Icon,
        unreadCount,
        label,
        reconnecting,
        'notifications-nav-badge',
      ),
    [Icon, unreadCount, label, reconnecting],
  );
  if (!live) {
    return <Icon fontSize={props.fontSize} />;
  }
  return <BadgedIcon fontSize={props.fontSize} />;
}

function LiveNotificationsSidebarItem(props?: NotificationsSideBarItemProps) {
  const shared = useContext(LiveContext);
  return shared ? (
    <SidebarEntry {...props} live={shared} />
  ) : (
    <OwnLiveSidebarItem {...props} />
  );
}

function OwnLiveSidebarItem(props?: NotificationsSideBarItemProps) {
  const live = useLiveNotifications(props ?? {});
  return (
    <>
      {live.snackbars}
      <SidebarEntry {...props} live={live.state} />
    </>
  );
}

function SidebarEntry(
  props: NotificationsSideBarItemProps & { live: LiveState },
) {
  const {
    live,
    webNotificationsEnabled,
    titleCounterEnabled,
    snackbarEnabled,
    snackbarAutoHideDuration,
    snackbarProps,
    pollingIntervalMs,
    icon = NotificationsIcon,
    text,
    renderItem,
    ...sidebarItemProps
  } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const to = useNotificationsPath();
  const { unreadCount: count, reconnecting } = live;
  const badgeLabel = reconnecting
    ? t('sidebar.unreadBadgeReconnecting')
    : t('sidebar.unreadBadge');
  const BadgedIcon = useMemo(
    () => withBadge(icon, count, badgeLabel, reconnecting),
    [icon, count, badgeLabel, reconnecting],
  );
  const label = text ?? t('sidebar.title');
  // The link's name starts with what the badge shows, so that it holds the
  // link's visible text (WCAG 2.5.3) and screen readers hear the count.
  const shown = badgeText(count, reconnecting);
  const accessibleName = [
    shown ? `${shown} ${label}` : label,
    reconnecting ? t('sidebar.reconnecting') : undefined,
  ]
    .filter(Boolean)
    .join(', ');

  return renderItem ? (
    <>
      {renderItem({
        unreadCount: count,
        to,
        onClick: live.requestPermission,
      })}
    </>
  ) : (
    <SidebarItem
      {...sidebarItemProps}
      to={to}
      text={label}
      aria-label={accessibleName}
      icon={BadgedIcon}
      onClick={live.requestPermission}
    />
  );
}
