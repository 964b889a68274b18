import {
  Notification,
  NotificationJson,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';

/** What this backend sends: the severity is always set, as the spec says. */
export type ServedNotificationJson = NotificationJson & {
  payload: { severity: NotificationSeverity };
};

/**
 * The wire shape of a notification: dates as ISO strings on every database,
 * unset fields as null, and `metadata` left out when there is none. This is
 * exactly upstream's shape: Herald's extensions are not in it.
 */
export function notificationToJson(
  notification: Notification,
): ServedNotificationJson {
  const { payload } = notification;
  const json: ServedNotificationJson = {
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

/**
 * The wire shape with Herald's extensions, for clients that ask for them
 * with the `HERALD_EXTENSIONS_HEADER`, and for Herald's own signals:
 * `done`, `snoozedUntil` and `reasons`, each left out when unset.
 */
export function notificationToExtendedJson(
  notification: Notification,
): ServedNotificationJson {
  return {
    ...notificationToJson(notification),
    ...(notification.done ? { done: notification.done.toISOString() } : {}),
    ...(notification.snoozedUntil
      ? { snoozedUntil: notification.snoozedUntil.toISOString() }
      : {}),
    ...(notification.reasons ? { reasons: notification.reasons } : {}),
  };
}
