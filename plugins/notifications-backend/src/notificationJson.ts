import {
  Notification,
  NotificationJson,
} from '@herald/plugin-notifications-common';

/**
 * The wire shape of a notification: dates as ISO strings on every database,
 * unset fields as null, and `metadata` left out when there is none.
 */
export function notificationToJson(
  notification: Notification,
): NotificationJson {
  const { payload } = notification;
  const json: NotificationJson = {
    id: notification.id,
    user: notification.user,
    created: notification.created.toISOString(),
    read: notification.read?.toISOString() ?? null,
    saved: notification.saved?.toISOString() ?? null,
    updated: notification.updated?.toISOString() ?? null,
    origin: notification.origin,
    payload: {
      title: payload.title,
      description: payload.description ?? null,
      link: payload.link ?? null,
      severity: payload.severity ?? 'normal',
      topic: payload.topic ?? null,
      scope: payload.scope ?? null,
      icon: payload.icon ?? null,
      ...(payload.metadata ? { metadata: payload.metadata } : {}),
    },
  };
  return json;
}
