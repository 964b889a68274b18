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
export { isSafeHref, isExternalHref } from './safeLink';
export { toPlainText, truncate } from './plainText';
