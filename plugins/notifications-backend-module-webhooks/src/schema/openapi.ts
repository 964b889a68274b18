import {
  errorEnvelopeOpenApiComponents,
  moduleOpenApiHeader,
} from '@herald/plugin-notifications-node';

/**
 * The contract of the module's admin routes, mounted at `/webhooks` of the
 * notifications backend: the router validates requests against it and
 * serves it at `/webhooks/openapi.json`.
 */
export const spec = {
  ...moduleOpenApiHeader({
    title: 'notifications-webhooks',
    description:
      "Operators' view of Herald webhook deliveries. Service principals only (a static external token works).",
  }),
  components: {
    schemas: {
      WebhookDelivery: {
        type: 'object',
        required: [
          'id',
          'webhookId',
          'notificationId',
          'endpoint',
          'status',
          'attempts',
          'createdAt',
          'updatedAt',
        ],
        properties: {
          id: { type: 'string', description: 'The delivery log row id.' },
          webhookId: {
            type: 'string',
            description: 'The `webhook-id` header of every attempt.',
          },
          notificationId: { type: 'string' },
          endpoint: { type: 'string', description: 'The endpoint id.' },
          status: { type: 'string', enum: ['pending', 'delivered'] },
          attempts: { type: 'integer' },
          lastStatus: {
            type: 'integer',
            description: 'The HTTP status of the last answer.',
          },
          lastError: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      ...errorEnvelopeOpenApiComponents.schemas,
    },
    responses: {
      ...errorEnvelopeOpenApiComponents.responses,
    },
  },
  paths: {
    '/deliveries': {
      get: {
        operationId: 'ListWebhookDeliveries',
        description:
          'Deliveries with the given status, oldest first. Pending ones are still being retried, or were given up by the outbox (dead letters).',
        parameters: [
          {
            name: 'status',
            in: 'query',
            required: false,
            schema: {
              type: 'string',
              enum: ['pending', 'delivered'],
              default: 'pending',
            },
          },
          {
            name: 'endpoint',
            in: 'query',
            required: false,
            description: 'Only the deliveries to this endpoint id.',
            schema: { type: 'string' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,5}$',
              default: '100',
            },
            description: 'At most this many, up to 1000.',
          },
        ],
        responses: {
          '200': {
            description: 'The deliveries.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  properties: {
                    items: {
                      type: 'array',
                      items: { $ref: '#/components/schemas/WebhookDelivery' },
                    },
                  },
                },
              },
            },
          },
          default: { $ref: '#/components/responses/ErrorResponse' },
        },
      },
    },
    '/deliveries/{id}/redeliver': {
      post: {
        operationId: 'RedeliverWebhook',
        description:
          'Sends a pending delivery now, with the body and webhook-id of its first attempt, ignoring any Retry-After it got. 409 when it has arrived or its endpoint is no longer configured.',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description:
              'The delivery after the attempt, and the reason when it failed again.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['delivery'],
                  properties: {
                    delivery: {
                      $ref: '#/components/schemas/WebhookDelivery',
                    },
                    error: { type: 'string' },
                  },
                },
              },
            },
          },
          default: { $ref: '#/components/responses/ErrorResponse' },
        },
      },
    },
  },
} as const;
