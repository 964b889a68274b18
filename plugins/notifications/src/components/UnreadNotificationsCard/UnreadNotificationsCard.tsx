import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Notification } from '@herald/plugin-notifications-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import { useEffect, useRef } from 'react';
import { useUnreadCount } from '../../hooks/useUnreadCount';
import { useMarkOpenedRead } from '../../hooks/useOpenNotification';
import { useNotificationsApi } from '../../hooks/useNotificationsApi';
import { useRefreshOnSignal } from '../../hooks/useRefreshOnSignal';
import {
  NotificationChange,
  useUpdateNotifications,
} from '../../hooks/useUpdateNotifications';
import { useNotificationsPath } from '../../hooks/useNotificationsPath';
import {
  NotificationErrorBoundary,
  NotificationIcon,
  NotificationMeta,
  NotificationUnavailable,
  toPlainText,
  truncate,
} from '../NotificationContent';
import { SaveAndReadToggles } from '../NotificationsTable/BulkActions';
import { notificationsTranslationRef } from '../../translation';

const REFRESH_THROTTLE_MS = 2000;
const POLL_INTERVAL_MS = 30_000;

/** @public */
export type UnreadNotificationsCardProps = {
  maxMessages?: number;
  /** @deprecated use `maxMessages` */
  initialCount?: number;
  charLimit?: number;
  /** @deprecated use `charLimit` */
  maxChars?: number;
  descriptionMaxChars?: number;
};

type Frame = 'card' | 'borderless';

/** One unread notification of the card, its title and description as text. */
function UnreadNotificationItem(props: {
  notification: Notification;
  path: string;
  charLimit: number;
  descriptionMaxChars: number;
  onUpdate: (targets: Notification[], change: NotificationChange) => void;
  onOpen: (notification: Notification) => void;
}) {
  const {
    notification,
    path,
    charLimit,
    descriptionMaxChars,
    onUpdate,
    onOpen,
  } = props;
  const plainTitle = toPlainText(notification.payload.title);
  const description = toPlainText(notification.payload.description);
  return (
    <ListItem>
      <ListItemIcon>
        <NotificationIcon
          icon={notification.payload.icon}
          severity={notification.payload.severity}
        />
      </ListItemIcon>
      <ListItemText
        primary={
          <Tooltip title={plainTitle}>
            <Link
              to={`${path}?id=${encodeURIComponent(notification.id)}`}
              onClick={() => onOpen(notification)}
            >
              {truncate(plainTitle, charLimit)}
            </Link>
          </Tooltip>
        }
        secondary={
          <>
            {description && (
              <Tooltip title={description}>
                <span>{truncate(description, descriptionMaxChars)}</span>
              </Tooltip>
            )}
            <NotificationMeta notification={notification} />
          </>
        }
        secondaryTypographyProps={{ component: 'div' }}
      />
      <ListItemSecondaryAction>
        <SaveAndReadToggles
          notifications={[notification]}
          onSave={(targets, saved) => onUpdate(targets, { saved })}
          onRead={(targets, read) => onUpdate(targets, { read })}
        />
      </ListItemSecondaryAction>
    </ListItem>
  );
}

function UnreadNotifications(
  props: UnreadNotificationsCardProps & { frame: Frame },
) {
  const maxMessages = props.maxMessages ?? props.initialCount ?? 5;
  const charLimit = props.charLimit ?? props.maxChars ?? 80;
  const descriptionMaxChars = props.descriptionMaxChars ?? 120;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const path = useNotificationsPath();
  const { refreshCount, refresh, setBusy } = useRefreshOnSignal({
    throttleMs: REFRESH_THROTTLE_MS,
    pollIntervalMs: POLL_INTERVAL_MS,
  });
  const {
    value: loaded,
    loading,
    error,
  } = useNotificationsApi(
    a =>
      a.getNotifications({
        limit: maxMessages,
        read: false,
        sort: 'created',
        sortOrder: 'desc',
      }),
    [maxMessages, refreshCount],
  );
  useEffect(() => setBusy(loading), [loading, setBusy]);
  // An outage keeps the last list and says so; the count hook retries.
  const lastLoaded = useRef(loaded);
  if (loaded) {
    lastLoaded.current = loaded;
  }
  const value = loaded ?? lastLoaded.current;
  const { unreadCount, reconnecting, reload } = useUnreadCount();
  useEffect(() => {
    if (!reconnecting && error) {
      refresh();
    }
  }, [reconnecting, error, refresh]);

  const updateNotifications = useUpdateNotifications(() =>
    t('unreadCard.errors.updateFailed'),
  );
  const update = async (
    targets: Notification[],
    change: NotificationChange,
  ) => {
    await updateNotifications(
      targets.map(n => n.id),
      change,
    );
    refresh();
    reload();
  };

  const markOpenedRead = useMarkOpenedRead();

  const notifications = value?.notifications ?? [];
  const totalCount = unreadCount ?? value?.totalCount ?? 0;

  const title = t('unreadCard.title', { count: totalCount });
  const content = (
    <>
      {(reconnecting || error) && (
        <Typography
          variant="caption"
          component="div"
          role="status"
          style={{ padding: '8px 16px' }}
          data-testid="unread-card-reconnecting"
        >
          {t('unreadCard.reconnecting')}
        </Typography>
      )}
      {loading && !value && <Progress />}
      {value && notifications.length === 0 && (
        <Typography align="center" style={{ padding: 24 }} component="div">
          <CheckCircleOutline color="primary" fontSize="large" />
          <div>{t('unreadCard.emptyState')}</div>
        </Typography>
      )}
      {notifications.length > 0 && (
        <List dense>
          {notifications.map(notification => (
            <NotificationErrorBoundary
              key={notification.id}
              fallback={
                <ListItem>
                  <NotificationUnavailable />
                </ListItem>
              }
            >
              <UnreadNotificationItem
                notification={notification}
                path={path}
                charLimit={charLimit}
                descriptionMaxChars={descriptionMaxChars}
                onUpdate={update}
                onOpen={markOpenedRead}
              />
            </NotificationErrorBoundary>
          ))}
        </List>
      )}
      {notifications.length > 0 && (
        <Typography
          variant="caption"
          color="textSecondary"
          style={{ padding: 16 }}
          component="div"
        >
          {notifications.length} results out of {totalCount}
        </Typography>
      )}
    </>
  );

  if (props.frame === 'borderless') {
    return (
      <div>
        <Typography
          variant="h6"
          component="h2"
          style={{ display: 'flex', justifyContent: 'space-between' }}
        >
          {title}
          <Link to={path} style={{ fontSize: '0.875rem' }}>
            {t('unreadCard.viewAll')}
          </Link>
        </Typography>
        {content}
      </div>
    );
  }
  return (
    <InfoCard
      title={title}
      deepLink={{ title: t('unreadCard.viewAll'), link: path }}
      noPadding
    >
      {content}
    </InfoCard>
  );
}

/**
 * The latest unread notifications in a card, for a home page.
 * @public
 */
export function UnreadNotificationsCard(props: UnreadNotificationsCardProps) {
  return <UnreadNotifications {...props} frame="card" />;
}

/**
 * The same list without a card of its own, for the home page grid, which
 * draws the card around its widgets.
 */
export function UnreadNotificationsWidgetContent(
  props: UnreadNotificationsCardProps,
) {
  return <UnreadNotifications {...props} frame="borderless" />;
}
