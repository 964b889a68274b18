import { InputError } from '@backstage/errors';
import {
  NotificationSendOptions,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import { Request } from 'express';
import { z } from 'zod';
import { findUnstorableJson } from '../delivery/validation';
import {
  ListNotificationsOptions,
  NotificationFilter,
  NotificationOrder,
  SORTABLE_FIELDS,
  SortableField,
} from '../store/NotificationsStore';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown parameter${
          issue.keys.length > 1 ? 's' : ''
        } ${issue.keys.map(key => `'${key}'`).join(', ')}`;
      }
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

/**
 * Largest `limit` and `offset`. PostgreSQL refuses LIMIT and OFFSET past 2^63
 * and JavaScript numbers lose precision past 2^53; a 32-bit bound stays far
 * from both, and no inbox is that long.
 */
export const MAX_PAGE_PARAMETER = 2_147_483_647;

/**
 * The dates a filter may name: four-digit years, which every database can
 * compare with its timestamp columns (PostgreSQL refuses dates before 4713 BC,
 * and a JavaScript date reaches beyond year 275,000).
 */
export const DATE_PARAMETER_RANGE = {
  earliest: '0001-01-01T00:00:00.000Z',
  latest: '9999-12-31T23:59:59.999Z',
} as const;

const booleanParam = z
  .enum(['true', 'false'])
  .transform(value => value === 'true');
const nonNegativeIntegerParam = z
  .string()
  .regex(/^\d+$/, 'must be an integer of at least 0')
  .transform(Number)
  .refine(value => value <= MAX_PAGE_PARAMETER, {
    message: `must be at most ${MAX_PAGE_PARAMETER}`,
  });
const severityParam = z.enum(
  notificationSeverities as [string, ...string[]],
) as z.ZodType<(typeof notificationSeverities)[number]>;

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

const createdAfterParam = z.string().transform(parseCreatedAfter);

const filterParams = {
  search: z.string(),
  read: booleanParam,
  saved: booleanParam,
  createdAfter: createdAfterParam,
  minimumSeverity: severityParam,
};

const topicsQuerySchema = z.object(filterParams).partial().strict();

const listQuerySchema = z
  .object({
    ...filterParams,
    topic: z.string(),
    offset: nonNegativeIntegerParam,
    limit: nonNegativeIntegerParam,
    orderField: z.union([z.string(), z.array(z.string())]),
  })
  .partial()
  .strict();

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

/** Query parameters the list endpoint accepts; anything else is a 400. */
export const LIST_QUERY_PARAMETERS = Object.keys(listQuerySchema.shape);

/** Query parameters the topics endpoint accepts; anything else is a 400. */
export const TOPICS_QUERY_PARAMETERS = Object.keys(topicsQuerySchema.shape);

export function parseListQuery(query: unknown): ListNotificationsOptions {
  const { orderField, ...rest } = parseWith(
    listQuerySchema,
    query,
    'query parameters',
  );
  const orderFields =
    orderField === undefined
      ? undefined
      : (Array.isArray(orderField) ? orderField : [orderField]).map(
          parseOrderField,
        );
  return { ...rest, orderBy: orderFields };
}

export function parseTopicsQuery(query: unknown): NotificationFilter {
  return parseWith(topicsQuerySchema, query, 'query parameters');
}

export function assertNoQuery(query: unknown) {
  parseWith(z.object({}).strict(), query, 'query parameters');
}

const updateBodySchema = z.object({
  ids: z.array(z.string()),
  read: z.boolean().optional(),
  saved: z.boolean().optional(),
});

export function parseUpdateBody(body: unknown) {
  return parseWith(updateBodySchema, body, 'request body');
}

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
