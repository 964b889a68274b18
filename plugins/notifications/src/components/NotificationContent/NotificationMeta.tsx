import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Text } from '@backstage/ui';
import { Notification } from '@herald/plugin-notifications-common';
import { RiBroadcastLine } from '@remixicon/react';
import { notificationsTranslationRef } from '../../translation';
import { secondaryTextColor } from './palette';
import { RelativeTime } from './RelativeTime';

/** Broadcast marker, origin, topic and age of a notification. */
export function NotificationMeta(props: { notification: Notification }) {
  const { notification } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const parts = [notification.origin, notification.payload.topic].filter(
    (part): part is string => !!part,
  );
  return (
    <Text
      as="div"
      variant="body-small"
      style={{
        display: 'flex',
        alignItems: 'center',
        flexWrap: 'wrap',
        gap: 4,
        color: secondaryTextColor,
      }}
    >
      {notification.user === null && (
        <RiBroadcastLine
          size={14}
          role="img"
          aria-label={t('notification.broadcast')}
          data-testid="broadcast-marker"
        />
      )}
      {parts.map(part => (
        <span key={part}>{part} &bull;</span>
      ))}
      <RelativeTime value={notification.created} />
    </Text>
  );
}
