import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { Notification } from '@herald/plugin-notifications-common';
import { RiCheckboxCircleLine } from '@remixicon/react';
import { CSSProperties, ReactNode, useEffect, useRef } from 'react';
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
  secondaryTextColor,
  toPlainText,
  truncate,
} from '../NotificationContent';
import { NotificationActionButtons } from '../NotificationsTable/BulkActions';
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

const itemStyle: CSSProperties = {
  display: 'flex',
  alignItems: 'flex-start',
  gap: 'var(--bui-space-3)',
  padding: 'var(--bui-space-2) 0',
};

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
    <>
      <NotificationIcon
        icon={notification.payload.icon}
        severity={notification.payload.severity}
      />
      <div style={{ flex: 1, minWidth: 0 }}>
        <Link
          href={`${path}?id=${encodeURIComponent(notification.id)}`}
          title={plainTitle}
          weight="bold"
          onPress={() => onOpen(notification)}
        >
          {truncate(plainTitle, charLimit)}
        </Link>
        {description && (
          <Text
            as="div"
            variant="body-medium"
            title={description}
            style={{ overflowWrap: 'anywhere' }}
          >
            {truncate(description, descriptionMaxChars)}
          </Text>
        )}
        <NotificationMeta notification={notification} />
      </div>
      <Flex gap="1" align="center">
        <NotificationActionButtons
          notifications={[notification]}
          onSave={(targets, saved) => onUpdate(targets, { saved })}
          onRead={(targets, read) => onUpdate(targets, { read })}
          onDone={(targets, done) => onUpdate(targets, { done })}
          onSnooze={(targets, until) =>
            onUpdate(targets, { snoozedUntil: until })
          }
        />
      </Flex>
    </>
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
        // Done and snoozed notifications are out of the inbox, so out of
        // the card too.
        done: false,
        snoozed: false,
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
        <Text
          as="div"
          variant="body-small"
          role="status"
          data-testid="unread-card-reconnecting"
        >
          {t('unreadCard.reconnecting')}
        </Text>
      )}
      {loading && !value && <Skeleton width="100%" height={48} />}
      {value && notifications.length === 0 && (
        <Flex direction="column" align="center" py="4">
          <RiCheckboxCircleLine
            size={35}
            color="var(--bui-positive-fg)"
            aria-hidden
          />
          <Text as="div">{t('unreadCard.emptyState')}</Text>
        </Flex>
      )}
      {notifications.length > 0 && (
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {notifications.map(notification => (
            <li key={notification.id} style={itemStyle}>
              <NotificationErrorBoundary fallback={<NotificationUnavailable />}>
                <UnreadNotificationItem
                  notification={notification}
                  path={path}
                  charLimit={charLimit}
                  descriptionMaxChars={descriptionMaxChars}
                  onUpdate={update}
                  onOpen={markOpenedRead}
                />
              </NotificationErrorBoundary>
            </li>
          ))}
        </ul>
      )}
      {notifications.length > 0 && (
        <Text
          as="div"
          variant="body-small"
          style={{ color: secondaryTextColor }}
        >
          {t('unreadCard.resultsCount', {
            displayed: String(notifications.length),
            total: String(totalCount),
          })}
        </Text>
      )}
    </>
  );

  return props.frame === 'borderless' ? (
    <div>
      <CardTitle title={title} path={path} viewAll={t('unreadCard.viewAll')} />
      {content}
    </div>
  ) : (
    <Card>
      <CardHeader>
        <CardTitle
          title={title}
          path={path}
          viewAll={t('unreadCard.viewAll')}
        />
      </CardHeader>
      <CardBody>{content}</CardBody>
    </Card>
  );
}

function CardTitle(props: { title: ReactNode; path: string; viewAll: string }) {
  return (
    <Flex justify="between" align="center" gap="2">
      <Text as="h2" variant="title-x-small" weight="bold">
        {props.title}
      </Text>
      <Link href={props.path} variant="body-small">
        {props.viewAll}
      </Link>
    </Flex>
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
