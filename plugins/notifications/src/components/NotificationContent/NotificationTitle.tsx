import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { Notification } from '@herald/plugin-notifications-common';
import { notificationHref } from './safeLink';

/** The title, a link when the payload's link is safe to follow. */
export function NotificationTitle(props: {
  notification: Notification;
  onLinkClick?: () => void;
}) {
  const { notification, onLinkClick } = props;
  const { title, link } = notification.payload;
  const unread = !notification.read;
  const style = { fontWeight: unread ? 600 : 400 };
  const target = notificationHref(link);
  // <bdi> keeps bidi controls in the title from reordering what follows it.
  const text = <bdi>{title}</bdi>;
  return (
    <Typography variant="subtitle2" component="div" style={style}>
      {target ? (
        <Link to={target.href} onClick={onLinkClick}>
          {text}
        </Link>
      ) : (
        text
      )}
    </Typography>
  );
}
