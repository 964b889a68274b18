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

/**
 * Herald extension: the user marked notifications done, or undid that.
 * @public
 */
export type NotificationDoneSignal = {
  action: 'notification_done' | 'notification_undone';
  notification_ids: string[];
};

/**
 * Herald extension: the user snoozed notifications until `until` (ISO 8601).
 * When the snooze ends, a `new_notification` signal follows.
 * @public
 */
export type NotificationSnoozedSignal = {
  action: 'notification_snoozed';
  notification_ids: string[];
  until: string;
};

/** @public */
export type NotificationSignal =
  | NewNotificationSignal
  | NotificationReadSignal
  | NotificationDoneSignal
  | NotificationSnoozedSignal;
