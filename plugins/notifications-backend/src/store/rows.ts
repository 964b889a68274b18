import { JsonValue } from '@backstage/types';
import {
  Notification,
  NotificationPayload,
  NotificationReason,
  normalizeSeverity,
  notificationReasonTypes,
} from '@herald/plugin-notifications-common';
import { spec } from '../schema/openapi';

/** A row of the union of `notification` and the caller's view of `broadcast`. */
export type NotificationRow = {
  id: string;
  user: string | null;
  title: string;
  description: string | null;
  severity: string;
  link: string | null;
  origin: string;
  scope: string | null;
  topic: string | null;
  icon: string | null;
  metadata: string | null;
  created: unknown;
  updated: unknown;
  read: unknown;
  saved: unknown;
  done: unknown;
  snoozed_until: unknown;
  /** JSON; always null for a broadcast, whose reason goes without saying. */
  reasons: string | null;
};

export const NOTIFICATION_COLUMNS = [
  'id',
  'user',
  'title',
  'description',
  'severity',
  'link',
  'origin',
  'scope',
  'topic',
  'icon',
  'metadata',
  'created',
  'updated',
  'read',
  'saved',
] as const;

/**
 * Herald's per-user state and reasons, selected beside the upstream columns
 * but neither sortable nor part of upstream's view.
 */
export const HERALD_STATE_COLUMNS = [
  'done',
  'snoozed_until',
  'reasons',
] as const;

const BROADCAST_REASONS: NotificationReason[] = [{ type: 'broadcast' }];

/** The stored reasons, or undefined when none were stored or they are unreadable. */
function parseReasons(value: string | null): NotificationReason[] | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    if (
      Array.isArray(parsed) &&
      parsed.every(reason =>
        (notificationReasonTypes as readonly string[]).includes(reason?.type),
      )
    ) {
      return parsed;
    }
  } catch {
    // Unreadable reasons are no reasons.
  }
  return undefined;
}

/**
 * The stored form of reason lists that cannot change. A send's users share
 * a few frozen lists (the catalog resolver's, and the backend's for a user
 * named directly), so each is written out once, not once per row.
 */
const frozenReasonsJson = new WeakMap<NotificationReason[], string>();

/** Reasons as stored: a JSON array, or null for none. */
export function serializeReasons(
  reasons: NotificationReason[] | undefined,
): string | null {
  if (!reasons || reasons.length === 0) {
    return null;
  }
  if (!Object.isFrozen(reasons) || !reasons.every(Object.isFrozen)) {
    return JSON.stringify(reasons);
  }
  let json = frozenReasonsJson.get(reasons);
  if (json === undefined) {
    json = JSON.stringify(reasons);
    frozenReasonsJson.set(reasons, json);
  }
  return json;
}

const payloadFields = spec.components.schemas.NotificationPayload.properties;
const notificationFields = spec.components.schemas.Notification.properties;

/**
 * Column widths of the schema, so oversized values are refused up front. The
 * spec is their one home: the request validator, the served document and
 * this table all read them from there.
 */
export const COLUMN_MAX_LENGTHS = {
  user: notificationFields.user.maxLength,
  title: payloadFields.title.maxLength,
  origin: notificationFields.origin.maxLength,
  scope: payloadFields.scope.maxLength,
  topic: payloadFields.topic.maxLength,
  icon: payloadFields.icon.maxLength,
} as const;

const SQL_DATETIME_WITHOUT_ZONE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/;

/**
 * Databases hand timestamps back in different shapes: PostgreSQL and MySQL as
 * Date, SQLite as epoch milliseconds (what knex binds for a Date) or, for
 * column defaults, as a UTC `YYYY-MM-DD HH:MM:SS` string.
 */
export function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number') {
    return new Date(value);
  }
  const text = String(value);
  if (/^\d+$/.test(text)) {
    return new Date(Number(text));
  }
  if (SQL_DATETIME_WITHOUT_ZONE.test(text)) {
    return new Date(`${text.replace(' ', 'T')}Z`);
  }
  return new Date(text);
}

function parseMetadata(
  value: string | null,
): { [key: string]: JsonValue } | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

export function rowToNotification(row: NotificationRow): Notification {
  const payload: NotificationPayload = {
    title: row.title,
    description: row.description ?? undefined,
    link: row.link ?? undefined,
    severity: normalizeSeverity(row.severity),
    topic: row.topic ?? undefined,
    scope: row.scope ?? undefined,
    icon: row.icon ?? undefined,
  };
  const metadata = parseMetadata(row.metadata);
  if (metadata) {
    payload.metadata = metadata;
  }
  const notification: Notification = {
    id: row.id,
    user: row.user ?? null,
    created: toDate(row.created) ?? new Date(0),
    read: toDate(row.read),
    saved: toDate(row.saved),
    updated: toDate(row.updated),
    origin: row.origin,
    payload,
  };
  const done = toDate(row.done);
  if (done) {
    notification.done = done;
  }
  // Shown until the wake task clears it, a few seconds after its time, as
  // the `snoozed` filter and the inbox counts see it.
  const snoozedUntil = toDate(row.snoozed_until);
  if (snoozedUntil) {
    notification.snoozedUntil = snoozedUntil;
  }
  const reasons =
    notification.user === null ? BROADCAST_REASONS : parseReasons(row.reasons);
  if (reasons) {
    notification.reasons = reasons;
  }
  return notification;
}

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row (and breaks PostgreSQL's uuid cast). */
export function isNotificationId(value: string): boolean {
  return UUID_PATTERN.test(value);
}
