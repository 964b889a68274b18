import {
  errorEnvelopeOpenApiComponents,
  moduleOpenApiHeader,
} from '@herald/plugin-notifications-node';

/** Every operation answers with the user's setting as it then stands. */
const answersWithDigestSetting = {
  '200': { $ref: '#/components/responses/DigestSetting' },
  default: { $ref: '#/components/responses/ErrorResponse' },
} as const;

/**
 * The contract of the module's route, mounted at `/email` of the
 * notifications backend: the router validates requests against it and
 * serves it at `/email/openapi.json`.
 */
export const spec = {
  ...moduleOpenApiHeader({
    title: 'notifications-email',
    description:
      "A user's choice of instant, hourly or daily email. Users only, each reading and writing their own choice.",
  }),
  components: {
    schemas: {
      DigestFrequency: {
        type: 'string',
        enum: ['instant', 'hourly', 'daily'],
      },
      DigestSetting: {
        type: 'object',
        required: ['frequency', 'chosen'],
        properties: {
          frequency: {
            $ref: '#/components/schemas/DigestFrequency',
          },
          chosen: {
            type: 'boolean',
            description:
              "True when the frequency is the user's own choice; false when it is the configured default (a topic default may still apply per notification).",
          },
        },
      },
      ...errorEnvelopeOpenApiComponents.schemas,
    },
    responses: {
      ...errorEnvelopeOpenApiComponents.responses,
      DigestSetting: {
        description: "The user's email delivery.",
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/DigestSetting' },
          },
        },
      },
    },
  },
  paths: {
    '/digest': {
      get: {
        operationId: 'GetEmailDigest',
        description: "The calling user's email delivery.",
        responses: answersWithDigestSetting,
      },
      put: {
        operationId: 'SetEmailDigest',
        description:
          "Sets the calling user's email delivery; it wins over every configured default. Critical notifications are always emailed instantly.",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['frequency'],
                additionalProperties: false,
                properties: {
                  frequency: {
                    $ref: '#/components/schemas/DigestFrequency',
                  },
                },
              },
            },
          },
        },
        responses: answersWithDigestSetting,
      },
      delete: {
        operationId: 'ResetEmailDigest',
        description:
          "Forgets the calling user's choice, so the configured defaults apply again.",
        responses: answersWithDigestSetting,
      },
    },
  },
} as const;
