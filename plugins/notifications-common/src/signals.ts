import { Notification } from './types';

/**
 * The signal channel the notifications backend publishes on.
 * @public
 */
export const NOTIFICATIONS_SIGNAL_CHANNEL = 'notifications';

/**
 * Sent when a notification is created or re-sent with the same scope.
 *
 * `notification` carries the stored notification (dates as ISO strings on the
 * wire) so that clients need no extra request; upstream clients ignore it and
 * fetch by `notification_id`.
 *
 * @public
 */
export type NewNotificationSignal = {
  action: 'new_notification';
  notification_id: string;
  notification?: Notification;
};

/** @public */
export type NotificationReadSignal = {
  action: 'notification_read' | 'notification_unread';
  notification_ids: string[];
};

/** @public */
export type NotificationSignal = NewNotificationSignal | NotificationReadSignal;
