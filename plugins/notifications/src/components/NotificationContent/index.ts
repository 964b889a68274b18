export { NotificationBody } from './NotificationBody';
export {
  NotificationDescription,
  DefaultNotificationDescription,
  type NotificationDescriptionProps,
} from './NotificationDescription';
export { NotificationMeta } from './NotificationMeta';
export { NotificationTitle } from './NotificationTitle';
export { NotificationIcon, SeverityIcon } from './SeverityIcon';
export { RelativeTime, formatRelative } from './RelativeTime';
export { notificationHref, type NotificationHref } from './safeLink';
export { toDisplayableText, toPlainText, truncate } from './plainText';
export {
  NotificationErrorBoundary,
  NotificationUnavailable,
} from './NotificationErrorBoundary';
