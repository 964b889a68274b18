import { InputError } from '@backstage/errors';
import {
  NotificationPayload,
  NotificationSendOptions,
  classifyNotificationLink,
  normalizeSeverity,
  notificationLinkHref,
} from '@herald/plugin-notifications-common';
import { COLUMN_MAX_LENGTHS } from '../store/rows';
import { NotificationContent } from '../store/NotificationWriter';

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
 * Deepest nesting of a notification's metadata (the metadata object itself is
 * level 1). Deeper values cannot be serialised safely, and no renderer needs
 * them.
 */
export const MAX_METADATA_DEPTH = 32;

/** Longest path shown in an error message; keys are the caller's and may be huge. */
const MAX_PATH_IN_MESSAGE = 200;

function childPath(parent: string, key: string, inArray: boolean): string {
  if (inArray) {
    return `${parent}[${key}]`;
  }
  return parent ? `${parent}.${key}` : key;
}

function isStorableText(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\0');
}

/**
 * Why a JSON value cannot be stored, or undefined: a NUL character in a string
 * or key (PostgreSQL text refuses it), or objects and arrays nested deeper
 * than `maxDepth` (the value itself is level 1). `path` names the value in the
 * message. Walks without recursion, so no nesting can overflow the stack.
 */
export function findUnstorableJson(
  value: unknown,
  options: { path: string; maxDepth: number },
): string | undefined {
  const subject = (path: string) =>
    path ? `${path.slice(0, MAX_PATH_IN_MESSAGE)} ` : '';
  const pending: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: options.path, depth: 0 },
  ];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (typeof current.value === 'string') {
      if (current.value.includes('\0')) {
        return `${subject(current.path)}contains a NUL character`;
      }
      continue;
    }
    if (current.value === null || typeof current.value !== 'object') {
      continue;
    }
    const depth = current.depth + 1;
    if (depth > options.maxDepth) {
      return `${subject(current.path)}is nested deeper than ${
        options.maxDepth
      } levels`;
    }
    const inArray = Array.isArray(current.value);
    for (const [key, child] of Object.entries(current.value)) {
      if (key.includes('\0')) {
        return `${subject(current.path)}has a key with a NUL character`;
      }
      pending.push({
        value: child,
        path: childPath(current.path, key, inArray),
        depth,
      });
    }
  }
  return undefined;
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

function hasSpaceOrControl(ref: string): boolean {
  if (/\s/.test(ref)) {
    return true;
  }
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * No entity name or namespace may hold white space, so a ref that does can
 * reach no one. Refused rather than stored: MySQL and MariaDB compare strings
 * ignoring trailing spaces, so a row for `user:default/alice ` would show in
 * alice's inbox there and nowhere else.
 */
function assertEntityRefsWellFormed(
  recipients: NotificationSendOptions['recipients'],
) {
  if (recipients?.type !== 'entity') {
    return;
  }
  const refs = [recipients.entityRef, recipients.excludeEntityRef]
    .flat()
    .filter(ref => typeof ref === 'string');
  const malformed = refs.find(hasSpaceOrControl);
  if (malformed !== undefined) {
    throw new InputError(
      `Invalid notification request received: entity ref ${JSON.stringify(
        malformed.slice(0, 200),
      )} contains white space or a control character`,
    );
  }
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
  // The link's own check comes first: it says why a link is refused.
  const link = payload.link
    ? normalizeLink(payload.link, appBaseUrl)
    : undefined;
  const problem =
    findUnstorableJson(payload.metadata, {
      path: 'payload.metadata',
      maxDepth: MAX_METADATA_DEPTH,
    }) ?? findUnstorableJson(options, { path: '', maxDepth: Infinity });
  if (problem) {
    throw new InputError(`Invalid notification request received: ${problem}`);
  }
  assertEntityRefsWellFormed(options.recipients);
  return {
    title: payload.title,
    description: payload.description,
    link,
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
    if (value !== undefined && !isStorableText(value)) {
      return validated[field];
    }
    return value !== undefined && value.length > COLUMN_MAX_LENGTHS[field]
      ? validated[field]
      : value;
  };
  const metadataProblem = findUnstorableJson(payload.metadata, {
    path: 'metadata',
    maxDepth: MAX_METADATA_DEPTH,
  });
  return {
    title: fitting('title') || validated.title,
    description:
      payload.description === undefined || isStorableText(payload.description)
        ? payload.description
        : validated.description,
    link: payload.link || undefined,
    severity: normalizeSeverity(payload.severity),
    topic: fitting('topic'),
    scope: fitting('scope'),
    icon: fitting('icon'),
    metadata: metadataProblem ? validated.metadata : payload.metadata,
  };
}
