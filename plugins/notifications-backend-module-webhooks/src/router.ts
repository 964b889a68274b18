import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { ConflictError, NotFoundError, isError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import Router from 'express-promise-router';
import { WebhookEndpoint } from './config';
import { WebhookDeliveryLog } from './deliveryLog';
import { spec } from './schema/openapi';
import { WebhookSender } from './sender';

const MAX_LIMIT = 1000;
const DELIBERATE_ERRORS = new Set([
  'InputError',
  'NotFoundError',
  'ConflictError',
  'AuthenticationError',
  'NotAllowedError',
]);

/**
 * The operators' view of webhook deliveries under `/webhooks`, as
 * `schema/openapi.ts` describes it: the undelivered messages (still being
 * retried, or dead letters the outbox gave up on) and their re-delivery.
 * Mounted below its own path so that its spec route and body parser stay
 * out of the notifications backend's way.
 */
export function createWebhooksAdminRouter(options: {
  httpAuth: HttpAuthService;
  log: WebhookDeliveryLog;
  sender: WebhookSender;
  endpoints: WebhookEndpoint[];
  logger: LoggerService;
}) {
  const { httpAuth, log, sender, logger } = options;
  const api = createValidatedOpenApiRouter(spec);

  api.get('/deliveries', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const items = await log.list({
      status: req.query.status ?? 'pending',
      endpoint: req.query.endpoint,
      limit: Math.min(Number(req.query.limit ?? 100), MAX_LIMIT),
    });
    res.json({ items });
  });

  api.post('/deliveries/:id/redeliver', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const delivery = await log.get(req.params.id);
    if (!delivery) {
      throw new NotFoundError(`No webhook delivery ${req.params.id}`);
    }
    if (delivery.status === 'delivered') {
      throw new ConflictError(`Webhook delivery ${delivery.id} has arrived`);
    }
    const endpoint = options.endpoints.find(e => e.id === delivery.endpoint);
    if (!endpoint) {
      throw new ConflictError(
        `The endpoint ${delivery.endpoint} of webhook delivery ${delivery.id} is no longer configured`,
      );
    }
    const result = await sender.attempt(delivery.id, endpoint, {
      ignoreRetryAfter: true,
    });
    if (result.kind === 'finished') {
      throw new ConflictError(`Webhook delivery ${delivery.id} has arrived`);
    }
    const after = await log.get(delivery.id);
    res.json({
      delivery: after ?? delivery,
      ...(result.kind === 'failed' ? { error: result.reason } : {}),
    });
  });

  // Database errors carry statements and values; the caller gets a bare 500.
  const sanitize: ErrorRequestHandler = (error, _req, _res, next) => {
    if (isError(error) && DELIBERATE_ERRORS.has(error.name)) {
      next(error);
      return;
    }
    logger.error('Webhooks admin request failed', error);
    next(new Error('Internal server error'));
  };
  api.use(sanitize);

  const router = Router();
  router.use('/webhooks', api);
  return router;
}
