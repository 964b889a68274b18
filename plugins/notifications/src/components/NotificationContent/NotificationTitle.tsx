import { Link, Text } from '@backstage/ui';
import { Notification } from '@herald/plugin-notifications-common';
import { notificationHref } from './safeLink';

/**
 * The title, a link when the payload's link is safe to follow. In-app links
 * go through the app's router (Backstage UI links use the router the app
 * provides), external ones open in a new tab without an opener.
 */
export function NotificationTitle(props: {
  notification: Notification;
  onLinkClick?: () => void;
}) {
  const { notification, onLinkClick } = props;
  const { title, link } = notification.payload;
  const weight = notification.read ? 'regular' : 'bold';
  const target = notificationHref(link);
  // <bdi> keeps bidi controls in the title from reordering what follows it.
  const text = <bdi>{title}</bdi>;
  return (
    <Text as="div" variant="body-medium" weight={weight}>
      {target ? (
        <Link
          href={target.href}
          variant="body-medium"
          weight={weight}
          onPress={onLinkClick}
          {...(target.external
            ? { target: '_blank', rel: 'noopener noreferrer' }
            : {})}
        >
          {text}
        </Link>
      ) : (
        text
      )}
    </Text>
  );
}
