import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { createModuleErrorSanitizer } from '@herald/plugin-notifications-node';
import Router from 'express-promise-router';
import { WebhookEndpoint } from './config';
import { WebhookDeliveryLog } from './deliveryLog';
import { spec } from './schema/openapi';
import { WebhookSender } from './sender';

const MAX_LIMIT = 1000;

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

  api.use(createModuleErrorSanitizer(logger, 'Webhooks admin request failed'));

  const router = Router();
  router.use('/webhooks', api);
  return router;
}
