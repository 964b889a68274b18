export { NotificationBody } from './NotificationBody';
export {
  NotificationDescription,
  DefaultNotificationDescription,
  type NotificationDescriptionProps,
} from './NotificationDescription';
export { NotificationMeta } from './NotificationMeta';
export { NotificationTitle } from './NotificationTitle';
export { NotificationIcon, SeverityIcon } from './SeverityIcon';
export { secondaryTextColor, severityColor } from './palette';
export { RelativeTime, formatRelative } from './RelativeTime';
export { notificationHref } from './safeLink';
export { toPlainText, truncate } from './plainText';
export {
  NotificationErrorBoundary,
  NotificationUnavailable,
} from './NotificationErrorBoundary';
