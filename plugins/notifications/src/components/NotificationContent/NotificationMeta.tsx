import { Notification } from '@herald/plugin-notifications-common';
import Typography from '@material-ui/core/Typography';
import RssFeed from '@material-ui/icons/RssFeed';
import { RelativeTime } from './RelativeTime';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from '../../translation';

/** Broadcast marker, origin, topic and age of a notification. */
export function NotificationMeta(props: { notification: Notification }) {
  const { notification } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const parts = [notification.origin, notification.payload.topic].filter(
    (part): part is string => !!part,
  );
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      style={{ display: 'flex', alignItems: 'center', gap: 4 }}
    >
      {notification.user === null && (
        <RssFeed
          fontSize="inherit"
          titleAccess={t('notification.broadcast')}
          data-testid="broadcast-marker"
        />
      )}
      {parts.map(part => (
        <span key={part}>{part} &bull;</span>
      ))}
      <RelativeTime value={notification.created} />
    </Typography>
  );
}
