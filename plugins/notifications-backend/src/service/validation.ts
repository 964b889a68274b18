import { InputError } from '@backstage/errors';
import {
  NotificationReasonType,
  NotificationSendOptions,
  NotificationSeverity,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import { Request } from 'express';
import { z } from 'zod';
import { findUnstorableJson } from '../send/validation';
import { spec } from '../schema/openapi';
import {
  ListNotificationsOptions,
  NotificationFilter,
  NotificationOrder,
  NotificationStateChange,
  SORTABLE_FIELDS,
  SortableField,
  StatusFilter,
} from '../store/NotificationsStore';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function parseWith<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${describeIssues(result.error)}`);
  }
  return result.data;
}

/**
 * Deepest nesting of any JSON request body. A send's metadata at its own cap
 * sits well inside it; the cap bounds every walk over a body (validation,
 * serialisation), which would otherwise overflow the stack on a few thousand
 * levels.
 */
export const MAX_BODY_DEPTH = 64;

/** Largest `limit` and `offset`; the spec says why. */
export const MAX_PAGE_PARAMETER = spec.components.schemas.PageParameter.maximum;

/**
 * The dates a filter may name: four-digit years, which every database can
 * compare with its timestamp columns (PostgreSQL refuses dates before 4713 BC,
 * and a JavaScript date reaches beyond year 275,000).
 */
export const DATE_PARAMETER_RANGE = {
  earliest: '0001-01-01T00:00:00.000Z',
  latest: '9999-12-31T23:59:59.999Z',
} as const;

/**
 * A `createdAfter` filter, shared with the get-notifications action: any date
 * JavaScript parses, within {@link DATE_PARAMETER_RANGE}.
 */
export function parseCreatedAfter(value: string): Date {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new InputError('Unexpected date format');
  }
  if (
    time < Date.parse(DATE_PARAMETER_RANGE.earliest) ||
    time > Date.parse(DATE_PARAMETER_RANGE.latest)
  ) {
    throw new InputError(
      `createdAfter must be between ${DATE_PARAMETER_RANGE.earliest} and ${DATE_PARAMETER_RANGE.latest}`,
    );
  }
  return new Date(time);
}

function parseOrderField(value: string): NotificationOrder {
  const [field, direction, ...rest] = value.split(',');
  if (rest.length > 0) {
    throw new InputError(
      `Invalid order field '${value}', expected 'field,asc' or 'field,desc'`,
    );
  }
  if (!(SORTABLE_FIELDS as readonly string[]).includes(field)) {
    throw new InputError(
      `Invalid order field '${field}', must be one of ${SORTABLE_FIELDS.join(
        ', ',
      )}`,
    );
  }
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
    throw new InputError('Invalid order field order, must be asc or desc');
  }
  return { field: field as SortableField, direction };
}

/** The state filters of `/status`, as the spec lets them through. */
export type StatusQuery = {
  done?: 'true' | 'false';
  snoozed?: 'true' | 'false';
};

/** The filter parameters of the list and topics endpoints, as the spec lets them through. */
export type FilterQuery = StatusQuery & {
  search?: string;
  read?: 'true' | 'false';
  saved?: 'true' | 'false';
  createdAfter?: string;
  minimumSeverity?: NotificationSeverity;
  reason?: NotificationReasonType;
};

/** The list endpoint's parameters, as the spec lets them through. */
export type ListQuery = FilterQuery & {
  topic?: string;
  offset?: number;
  limit?: number;
  orderField?: string | string[];
};

const flag = (value?: 'true' | 'false') =>
  value === undefined ? undefined : value === 'true';

/** The state filter of a `/status` query the spec has validated. */
export function toStatusFilter(query: StatusQuery): StatusFilter {
  return { done: flag(query.done), snoozed: flag(query.snoozed) };
}

/**
 * The filter of a query the spec has validated, with the checks it cannot
 * express: the date's grammar and range.
 */
export function toNotificationFilter(query: FilterQuery): NotificationFilter {
  return {
    ...toStatusFilter(query),
    reason: query.reason,
    search: query.search,
    read: flag(query.read),
    saved: flag(query.saved),
    createdAfter:
      query.createdAfter === undefined
        ? undefined
        : parseCreatedAfter(query.createdAfter),
    minimumSeverity: query.minimumSeverity,
  };
}

/**
 * The list options of a query the spec has validated, with the checks it
 * cannot express: the `field,direction` grammar of `orderField` and the date.
 */
export function toListOptions(query: ListQuery): ListNotificationsOptions {
  const { orderField } = query;
  return {
    ...toNotificationFilter(query),
    topic: query.topic,
    offset: query.offset,
    limit: query.limit,
    orderBy:
      orderField === undefined
        ? undefined
        : [orderField].flat().map(parseOrderField),
  };
}

/** The body of `POST /notifications/update`, as the spec lets it through. */
export type UpdateBody = {
  ids: string[];
  read?: boolean;
  saved?: boolean;
  done?: boolean;
  snoozedUntil?: string | null;
};

/**
 * The state change of an update body, with what the spec cannot check: a
 * snooze ends in the future, at most a year ahead. Marking done marks read.
 */
export function toStateChange(
  body: UpdateBody,
  now: Date = new Date(),
): NotificationStateChange {
  const { read, saved, done, snoozedUntil } = body;
  const change: NotificationStateChange = {
    // Done means dealt with, so it counts as read unless told otherwise.
    read: read ?? (done ? true : undefined),
    saved,
    done,
  };
  if (snoozedUntil === null) {
    change.snoozedUntil = null;
  } else if (snoozedUntil !== undefined) {
    const until = Date.parse(snoozedUntil);
    if (Number.isNaN(until)) {
      throw new InputError(
        `Invalid snoozedUntil '${snoozedUntil}', expected an ISO 8601 date-time`,
      );
    }
    if (until <= now.getTime()) {
      throw new InputError('snoozedUntil must be in the future');
    }
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + 1);
    if (until > latest.getTime()) {
      throw new InputError('snoozedUntil must be at most a year ahead');
    }
    change.snoozedUntil = new Date(until);
  }
  return change;
}

const severityParam = z.enum(notificationSeverities);

const entityRefsSchema = z.union([z.string(), z.array(z.string())]);

const sendBodySchema = z.object({
  recipients: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('entity'),
      entityRef: entityRefsSchema,
      excludeEntityRef: entityRefsSchema.optional(),
    }),
    z.object({ type: z.literal('broadcast') }),
  ]),
  // Extra payload fields are accepted, as upstream's schema does, and dropped.
  payload: z
    .object({
      title: z.string(),
      description: z.string().optional(),
      link: z.string().optional(),
      severity: severityParam.optional(),
      topic: z.string().optional(),
      scope: z.string().optional(),
      icon: z.string().optional(),
      metadata: z.record(z.string(), z.any()).optional(),
    })
    .passthrough(),
});

/** A send's options given outside HTTP (the send action), where no spec validated them. */
export function parseSendBody(body: unknown): NotificationSendOptions {
  return parseWith(
    sendBodySchema,
    body,
    'request body',
  ) as NotificationSendOptions;
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    // Express answers a malformed escape in a route parameter with a 400.
    return path;
  }
}

/**
 * Refuses, for every route, what no database can store or compare: a NUL
 * character anywhere in the path, the query or the body (PostgreSQL text
 * refuses it), and bodies nested deeper than {@link MAX_BODY_DEPTH}.
 */
export function assertStorableRequest(req: Request) {
  if (decodedPath(req.path).includes('\0')) {
    throw new InputError('Invalid path: contains a NUL character');
  }
  assertStorableInput(req.query, 'query parameters');
  assertStorableInput(req.body, 'request body');
}

/**
 * Refuses a NUL character anywhere in a JSON input, and nesting deeper than
 * {@link MAX_BODY_DEPTH}; `what` names the input in the message.
 */
export function assertStorableInput(value: unknown, what: string) {
  const problem = findUnstorableJson(value, {
    path: '',
    maxDepth: MAX_BODY_DEPTH,
  });
  if (problem) {
    throw new InputError(`Invalid ${what}: ${problem}`);
  }
}
