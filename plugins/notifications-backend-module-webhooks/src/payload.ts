import { Notification } from '@herald/plugin-notifications-common';

/**
 * The event a receiver gets, in the Standard Webhooks envelope: `type`,
 * `timestamp` and `data`. The timestamp is the notification version's, so
 * every attempt of a delivery carries the same body.
 */
export function webhookPayload(notification: Notification): object {
  const version = new Date(notification.updated ?? notification.created);
  return {
    type: notification.updated
      ? 'notification.updated'
      : 'notification.created',
    timestamp: version.toISOString(),
    data: {
      id: notification.id,
      user: notification.user,
      origin: notification.origin,
      created: new Date(notification.created).toISOString(),
      ...(notification.updated
        ? { updated: new Date(notification.updated).toISOString() }
        : {}),
      payload: notification.payload,
    },
  };
}
