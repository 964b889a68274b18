import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { Notification } from '@herald/plugin-notifications-common';
import { isSafeHref } from './safeLink';

/** The title, a link when the payload's link is safe to follow. */
export function NotificationTitle(props: {
  notification: Notification;
  onLinkClick?: () => void;
}) {
  const { notification, onLinkClick } = props;
  const { title, link } = notification.payload;
  const unread = !notification.read;
  const style = { fontWeight: unread ? 600 : 400 };
  return (
    <Typography variant="subtitle2" component="div" style={style}>
      {isSafeHref(link) ? (
        <Link to={link} onClick={onLinkClick}>
          {title}
        </Link>
      ) : (
        title
      )}
    </Typography>
  );
}
