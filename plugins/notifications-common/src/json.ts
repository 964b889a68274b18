import { JsonValue } from '@backstage/types';
import {
  Notification,
  NotificationReason,
  NotificationSeverity,
} from './types';

/**
 * A notification as the backend sends it over HTTP and in signals: dates are
 * ISO 8601 strings, and fields without a value may be `null`. The Herald
 * extensions `done`, `snoozedUntil` and `reasons` are there only when set,
 * and only for clients that ask with {@link HERALD_EXTENSIONS_HEADER}.
 *
 * @public
 */
export type NotificationJson = {
  id: string;
  user: string | null;
  created: string;
  saved?: string | null;
  read?: string | null;
  updated?: string | null;
  done?: string;
  snoozedUntil?: string;
  reasons?: NotificationReason[];
  origin: string;
  payload: {
    title: string;
    description?: string | null;
    link?: string | null;
    severity?: NotificationSeverity | null;
    topic?: string | null;
    scope?: string | null;
    icon?: string | null;
    metadata?: { [key in string]?: JsonValue };
  };
};

/**
 * Request header by which a client asks for Herald's extensions (`done`,
 * `snoozedUntil`, `reasons`) in the notifications it gets back, with the
 * value `true`. Without it every answer has upstream's exact shape, so
 * upstream clients see nothing new.
 *
 * @public
 */
export const HERALD_EXTENSIONS_HEADER = 'x-herald-extensions';

/** The fields of `fields` that have a value. */
function withValues<T extends object>(fields: T) {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) => value !== null && value !== undefined,
    ),
  ) as { [K in keyof T]?: NonNullable<T[K]> };
}

function toDate(value: string | null | undefined): Date | undefined {
  return value ? new Date(value) : undefined;
}

/**
 * Turns the wire shape of a notification into a {@link Notification} with
 * real dates and unset fields left out.
 *
 * @public
 */
export function notificationFromJson(json: NotificationJson): Notification {
  return {
    id: json.id,
    user: json.user,
    origin: json.origin,
    created: new Date(json.created),
    ...withValues({
      saved: toDate(json.saved),
      read: toDate(json.read),
      updated: toDate(json.updated),
      done: toDate(json.done),
      snoozedUntil: toDate(json.snoozedUntil),
      reasons: json.reasons,
    }),
    payload: { ...withValues(json.payload), title: json.payload.title },
  };
}
