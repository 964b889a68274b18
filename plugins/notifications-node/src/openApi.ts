/**
 * The Backstage error envelope as OpenAPI 3 components, for the specs of
 * routes that modules add to the notifications backend: spread `schemas`
 * and `responses` into the spec's `components` and answer errors with
 * `$ref: '#/components/responses/ErrorResponse'`.
 *
 * @public
 */
export const errorEnvelopeOpenApiComponents = {
  schemas: {
    Error: {
      type: 'object',
      required: ['error', 'request', 'response'],
      properties: {
        error: {
          type: 'object',
          required: ['name', 'message'],
          properties: {
            name: { type: 'string' },
            message: { type: 'string' },
          },
        },
        request: { type: 'object' },
        response: { type: 'object' },
      },
    },
  },
  responses: {
    ErrorResponse: {
      description: 'An error in the Backstage error envelope.',
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
        },
      },
    },
  },
} as const;
