import { JsonObject } from '@backstage/types';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from '../idempotency';
import { SORTABLE_FIELDS } from '../store/NotificationsStore';

const severity = {
  type: 'string',
  enum: ['critical', 'high', 'normal', 'low'],
};
const nullableString = { type: ['string', 'null'] };
const nullableDate = { type: ['string', 'null'], format: 'date-time' };
const stringOrArray = {
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
};

const schemas = {
  NotificationPayload: {
    type: 'object',
    required: ['title'],
    properties: {
      title: { type: 'string', maxLength: 255 },
      description: { type: 'string' },
      link: { type: 'string' },
      severity,
      topic: { type: 'string', maxLength: 255 },
      scope: { type: 'string', maxLength: 255 },
      icon: { type: 'string', maxLength: 255 },
      metadata: { type: 'object', additionalProperties: true },
    },
    additionalProperties: true,
  },
  Notification: {
    type: 'object',
    required: ['id', 'user', 'created', 'origin', 'payload'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      user: { ...nullableString, description: 'null for a broadcast' },
      created: { type: 'string', format: 'date-time' },
      read: nullableDate,
      saved: nullableDate,
      updated: nullableDate,
      origin: { type: 'string' },
      payload: {
        type: 'object',
        required: ['title', 'severity'],
        properties: {
          title: { type: 'string' },
          description: nullableString,
          link: nullableString,
          severity,
          topic: nullableString,
          scope: nullableString,
          icon: nullableString,
          metadata: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
  NotificationSendOptions: {
    type: 'object',
    required: ['recipients', 'payload'],
    properties: {
      recipients: {
        oneOf: [
          {
            type: 'object',
            required: ['type', 'entityRef'],
            properties: {
              type: { const: 'entity' },
              entityRef: stringOrArray,
              excludeEntityRef: stringOrArray,
            },
          },
          {
            type: 'object',
            required: ['type'],
            properties: { type: { const: 'broadcast' } },
          },
        ],
      },
      payload: { $ref: '#/components/schemas/NotificationPayload' },
    },
  },
  NotificationSettings: {
    type: 'object',
    required: ['channels'],
    properties: {
      channels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'origins'],
          properties: {
            id: { type: 'string' },
            enabled: { type: 'boolean' },
            origins: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'enabled'],
                properties: {
                  id: { type: 'string' },
                  enabled: { type: 'boolean' },
                  topics: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id', 'enabled'],
                      properties: {
                        id: { type: 'string' },
                        enabled: { type: 'boolean' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  Error: {
    type: 'object',
    required: ['error', 'request', 'response'],
    properties: {
      error: {
        type: 'object',
        required: ['name', 'message'],
        properties: { name: { type: 'string' }, message: { type: 'string' } },
        additionalProperties: true,
      },
      request: {
        type: 'object',
        properties: { method: { type: 'string' }, url: { type: 'string' } },
      },
      response: {
        type: 'object',
        properties: { statusCode: { type: 'integer' } },
      },
    },
  },
};

function queryParam(name: string, schema: JsonObject, description: string) {
  return { name, in: 'query', required: false, schema, description };
}

const filterParameters = [
  queryParam(
    'search',
    { type: 'string' },
    'Case-insensitive substring of the title or description',
  ),
  queryParam('read', { type: 'boolean' }, 'Only read (true) or unread (false)'),
  queryParam(
    'saved',
    { type: 'boolean' },
    'Only saved (true) or unsaved (false)',
  ),
  queryParam(
    'createdAfter',
    { type: 'string', format: 'date-time' },
    'Created at or after this instant',
  ),
  queryParam(
    'minimumSeverity',
    severity,
    'This severity and every more severe one',
  ),
];

const listParameters = [
  queryParam('offset', { type: 'integer', minimum: 0 }, 'Rows to skip'),
  queryParam(
    'limit',
    { type: 'integer', minimum: 0 },
    'Page size; every row when omitted',
  ),
  {
    ...queryParam(
      'orderField',
      { type: 'array', items: { type: 'string' } },
      `Repeatable 'field,asc|desc'; fields: ${SORTABLE_FIELDS.join(
        ', ',
      )}. Default 'created,desc'`,
    ),
    explode: true,
  },
  queryParam('topic', { type: 'string' }, 'Exact topic'),
  ...filterParameters,
];

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
};

function jsonContent(schema: JsonObject) {
  return { content: { 'application/json': { schema } } };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const errorResponses = {
  '400': { description: 'Invalid input', ...jsonContent(ref('Error')) },
  '401': {
    description: 'Missing or invalid credentials',
    ...jsonContent(ref('Error')),
  },
  '403': {
    description: 'Wrong kind of principal',
    ...jsonContent(ref('Error')),
  },
};

const listOperation = {
  operationId: 'getNotifications',
  summary: "The caller's notifications and all broadcasts",
  parameters: listParameters,
  responses: {
    '200': {
      description: 'A page of notifications',
      ...jsonContent({
        type: 'object',
        required: ['totalCount', 'notifications'],
        properties: {
          totalCount: { type: 'integer' },
          notifications: { type: 'array', items: ref('Notification') },
        },
      }),
    },
    ...errorResponses,
  },
};

const idempotencyKeyParameter = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description:
    'Makes retries safe: a repeat with the same key and body within 24 hours gets the first answer and sends nothing. Keys are per caller.',
  schema: {
    type: 'string',
    minLength: 1,
    maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
  },
};

const sendOperation = {
  operationId: 'createNotification',
  summary: 'Send a notification; service principals only',
  parameters: [idempotencyKeyParameter],
  requestBody: {
    required: true,
    ...jsonContent(ref('NotificationSendOptions')),
  },
  responses: {
    '200': {
      description: 'The stored notifications',
      headers: {
        [IDEMPOTENT_REPLAYED_HEADER]: {
          description: `\`true\` when this is the stored answer to an earlier request with the same ${IDEMPOTENCY_KEY_HEADER}`,
          schema: { type: 'string', enum: ['true'] },
        },
      },
      ...jsonContent({ type: 'array', items: ref('Notification') }),
    },
    '409': {
      description: `A request with the same ${IDEMPOTENCY_KEY_HEADER} is still in progress`,
      ...jsonContent(ref('Error')),
    },
    '413': {
      description:
        'Body larger than notifications.maxRequestBodySize (default 1 MB)',
      ...jsonContent(ref('Error')),
    },
    '422': {
      description: `The ${IDEMPOTENCY_KEY_HEADER} was used before with a different body`,
      ...jsonContent(ref('Error')),
    },
    ...errorResponses,
  },
};

const getOperation = {
  operationId: 'getNotification',
  summary: 'One notification of the caller, or a broadcast',
  parameters: [idParameter],
  responses: {
    '200': {
      description: 'The notification',
      ...jsonContent(ref('Notification')),
    },
    '404': { description: 'Not found', ...jsonContent(ref('Error')) },
    ...errorResponses,
  },
};

const updateOperation = {
  operationId: 'updateNotifications',
  summary: 'Mark notifications read or unread, saved or unsaved',
  requestBody: {
    required: true,
    ...jsonContent({
      type: 'object',
      required: ['ids'],
      properties: {
        ids: { type: 'array', items: { type: 'string' } },
        read: { type: 'boolean' },
        saved: { type: 'boolean' },
      },
    }),
  },
  responses: {
    '200': {
      description: 'The notifications as the caller now sees them',
      ...jsonContent({ type: 'array', items: ref('Notification') }),
    },
    ...errorResponses,
  },
};

const settingsResponse = {
  '200': {
    description: 'The effective settings',
    ...jsonContent(ref('NotificationSettings')),
  },
  ...errorResponses,
};

/**
 * The REST API of the notifications backend, with its paths under the
 * router's mount path.
 */
export function createOpenApiDocument(mountPath: string): JsonObject {
  const paths: JsonObject = {
    '/notifications': { get: listOperation, post: sendOperation },
    '/notifications/update': { post: updateOperation },
    '/notifications/{id}': { get: getOperation },
    '/status': {
      get: {
        operationId: 'getStatus',
        summary: 'Read and unread counts',
        responses: {
          '200': {
            description: 'Counts',
            ...jsonContent({
              type: 'object',
              required: ['unread', 'read'],
              properties: {
                unread: { type: 'integer' },
                read: { type: 'integer' },
              },
            }),
          },
          ...errorResponses,
        },
      },
    },
    '/topics': {
      get: {
        operationId: 'getTopics',
        summary: "Distinct topics of the caller's notifications",
        parameters: filterParameters,
        responses: {
          '200': {
            description: 'Topics, sorted',
            ...jsonContent({
              type: 'object',
              required: ['topics'],
              properties: {
                topics: { type: 'array', items: { type: 'string' } },
              },
            }),
          },
          ...errorResponses,
        },
      },
    },
    '/settings': {
      get: { operationId: 'getUserSettings', responses: settingsResponse },
      post: {
        operationId: 'updateUserSettings',
        requestBody: {
          required: true,
          ...jsonContent(ref('NotificationSettings')),
        },
        responses: settingsResponse,
      },
    },
    '/admin/outbox': {
      get: {
        operationId: 'getOutboxCounts',
        summary: 'Pending and dead postProcess jobs; service principals only',
        responses: {
          '200': {
            description: 'Counts',
            ...jsonContent({
              type: 'object',
              required: ['pending', 'dead'],
              properties: {
                pending: { type: 'integer' },
                dead: { type: 'integer' },
              },
            }),
          },
          ...errorResponses,
        },
      },
    },
    '/': {
      get: {
        ...listOperation,
        operationId: 'getNotificationsLegacy',
        deprecated: true,
      },
      post: {
        ...sendOperation,
        operationId: 'createNotificationLegacy',
        deprecated: true,
      },
    },
    '/update': {
      post: {
        ...updateOperation,
        operationId: 'updateNotificationsLegacy',
        deprecated: true,
      },
    },
    '/{id}': {
      get: {
        ...getOperation,
        operationId: 'getNotificationLegacy',
        deprecated: true,
      },
    },
  };
  const prefix = mountPath.replace(/\/+$/, '');
  return {
    openapi: '3.1.0',
    info: {
      title: 'notifications',
      version: '1',
      description:
        'Herald notifications backend, wire-compatible with Backstage notifications',
    },
    paths: Object.fromEntries(
      Object.entries(paths).map(([path, item]) => [
        `${prefix}${path === '/' ? '' : path}` || '/',
        item,
      ]),
    ),
    components: { schemas },
  };
}
