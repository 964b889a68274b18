import {
  Notification,
  NotificationJson,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';

/** What this backend sends: the severity is always set, as the spec says. */
export type ServedNotificationJson = NotificationJson & {
  payload: { severity: NotificationSeverity };
};

let lastTime = NaN;
let lastIso = '';

/**
 * A date as an ISO string. The notifications of one send share their
 * creation time, so the last one is remembered: a send to 10,000 users
 * formats it once instead of 10,000 times.
 */
function isoString(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastIso = date.toISOString();
    lastTime = time;
  }
  return lastIso;
}

let lastPayload: Notification['payload'] | undefined;
let lastServedPayload: ServedNotificationJson['payload'] | undefined;

/**
 * A payload in its wire shape. The notifications of one send share their
 * payload object (see `NotificationWriter`), so they share its wire shape
 * too: a send to 10,000 users builds it once, and the signal that diffs the
 * send's notifications finds the payloads equal by reference. `metadata` is
 * assigned rather than spread in, which V8 does in a third of the time.
 */
function servedPayloadOf(
  payload: Notification['payload'],
): ServedNotificationJson['payload'] {
  if (payload === lastPayload && lastServedPayload) {
    return lastServedPayload;
  }
  const served: ServedNotificationJson['payload'] = {
    title: payload.title,
    description: payload.description ?? null,
    link: payload.link ?? null,
    severity: payload.severity ?? 'normal',
    topic: payload.topic ?? null,
    scope: payload.scope ?? null,
    icon: payload.icon ?? null,
  };
  if (payload.metadata) {
    served.metadata = payload.metadata;
  }
  lastPayload = payload;
  lastServedPayload = served;
  return served;
}

/**
 * The wire shape of a notification: dates as ISO strings on every database,
 * unset fields as null, and `metadata` left out when there is none. This is
 * exactly upstream's shape: Herald's extensions are not in it.
 */
export function notificationToJson(
  notification: Notification,
): ServedNotificationJson {
  return {
    id: notification.id,
    user: notification.user,
    created: isoString(notification.created),
    read: notification.read?.toISOString() ?? null,
    saved: notification.saved?.toISOString() ?? null,
    updated: notification.updated?.toISOString() ?? null,
    origin: notification.origin,
    payload: servedPayloadOf(notification.payload),
  };
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
