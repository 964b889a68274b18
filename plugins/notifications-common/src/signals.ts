import { NotificationJson } from './json';

/**
 * The signal channel the notifications backend publishes on.
 * @public
 */
export const NOTIFICATIONS_SIGNAL_CHANNEL = 'notifications';

/**
 * Sent when a notification is created or re-sent with the same scope.
 *
 * `notification` carries the stored notification in its wire shape so that
 * clients need no extra request; upstream clients ignore it and fetch by
 * `notification_id`. Being plain JSON, every signal type here can be used as
 * the message type of `useSignal`.
 *
 * @public
 */
export type NewNotificationSignal = {
  action: 'new_notification';
  notification_id: string;
  notification?: NotificationJson;
};

/** @public */
export type NotificationReadSignal = {
  action: 'notification_read' | 'notification_unread';
  notification_ids: string[];
};

/** @public */
export type NotificationSignal = NewNotificationSignal | NotificationReadSignal;
