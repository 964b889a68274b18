import { InputError } from '@backstage/errors';
import {
  NotificationPayload,
  NotificationSendOptions,
  classifyNotificationLink,
  normalizeSeverity,
  notificationLinkHref,
} from '@herald/plugin-notifications-common';
import { COLUMN_MAX_LENGTHS } from '../store/rows';
import { NotificationContent } from './DeliveryStore';

export function assertFits(
  field: keyof typeof COLUMN_MAX_LENGTHS,
  value?: string,
) {
  const maxLength = COLUMN_MAX_LENGTHS[field];
  if (value !== undefined && value.length > maxLength) {
    throw new InputError(
      `Invalid notification request received: ${field} is ${value.length} characters long, at most ${maxLength} are allowed`,
    );
  }
}

/**
 * Links are read as a browser reads them (see `classifyNotificationLink`) and
 * stored normalised: an in-app path or an absolute http(s) URL. Anything else,
 * `javascript:` or a path a browser would take to another host, is refused.
 */
function normalizeLink(link: string, appBaseUrl: string): string {
  const target = classifyNotificationLink(link, appBaseUrl);
  if (target.kind === 'rejected') {
    throw new InputError(`Invalid link provided: ${target.reason}`);
  }
  return notificationLinkHref(target)!;
}

/**
 * The checks that run on what a sender (after any processor rewrote it) asks
 * for, and the normalised content that gets stored.
 */
export function validateSendOptions(
  options: NotificationSendOptions,
  origin: string,
  appBaseUrl: string,
): NotificationContent {
  const payload = options.payload;
  const missing = [
    ...(payload?.title ? [] : ['title']),
    ...(options.recipients ? [] : ['recipients']),
  ];
  if (missing.length > 0) {
    throw new InputError(
      `Invalid notification request received: missing ${missing.join(', ')}`,
    );
  }
  assertFits('title', payload.title);
  assertFits('topic', payload.topic);
  assertFits('scope', payload.scope);
  assertFits('icon', payload.icon);
  assertFits('origin', origin);
  return {
    title: payload.title,
    description: payload.description,
    link: payload.link ? normalizeLink(payload.link, appBaseUrl) : undefined,
    severity: normalizeSeverity(payload.severity),
    topic: payload.topic,
    scope: payload.scope,
    icon: payload.icon,
    metadata: payload.metadata,
  };
}

/**
 * What gets stored of a payload a processor's preProcess returned. A field the
 * columns cannot hold keeps its validated value, so a processor cannot turn a
 * valid send into a database error.
 */
export function toNotificationContent(
  payload: NotificationPayload,
  validated: NotificationContent,
): NotificationContent {
  const fitting = (field: 'title' | 'topic' | 'scope' | 'icon') => {
    const value = payload[field];
    if (value !== undefined && typeof value !== 'string') {
      return validated[field];
    }
    return value !== undefined && value.length > COLUMN_MAX_LENGTHS[field]
      ? validated[field]
      : value;
  };
  return {
    title: fitting('title') || validated.title,
    description: payload.description,
    link: payload.link || undefined,
    severity: normalizeSeverity(payload.severity),
    topic: fitting('topic'),
    scope: fitting('scope'),
    icon: fitting('icon'),
    metadata: payload.metadata,
  };
}
