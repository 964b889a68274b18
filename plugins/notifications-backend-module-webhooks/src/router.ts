import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import Router from 'express-promise-router';
import { WebhookEndpoint } from './config';
import { WebhookDeliveryLog, WebhookDeliveryStatus } from './deliveryLog';
import { WebhookSender } from './sender';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const DELIBERATE_ERRORS = new Set([
  'InputError',
  'NotFoundError',
  'ConflictError',
  'AuthenticationError',
  'NotAllowedError',
]);

function readLimit(value: unknown): number {
  if (value === undefined) {
    return DEFAULT_LIMIT;
  }
  const limit = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(limit) || limit < 1) {
    throw new InputError('limit must be a positive whole number');
  }
  return Math.min(limit, MAX_LIMIT);
}

function readStatus(value: unknown): WebhookDeliveryStatus {
  if (value === undefined || value === 'pending') {
    return 'pending';
  }
  if (value === 'delivered') {
    return value;
  }
  throw new InputError("status must be 'pending' or 'delivered'");
}

/**
 * The operators' view of webhook deliveries, for service principals only (a
 * static external token works):
 *
 * - `GET /webhooks/deliveries?status=pending|delivered&endpoint=&limit=`:
 *   pending ones are still being retried, or were given up by the outbox
 *   (dead letters), with their attempts and last error.
 * - `POST /webhooks/deliveries/:id/redeliver`: sends a pending delivery now,
 *   with the body and `webhook-id` of its first attempt.
 */
export function createWebhooksAdminRouter(options: {
  httpAuth: HttpAuthService;
  log: WebhookDeliveryLog;
  sender: WebhookSender;
  endpoints: WebhookEndpoint[];
  logger: LoggerService;
}) {
  const { httpAuth, log, sender, logger } = options;
  const router = Router();
  router.get('/webhooks/deliveries', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const endpoint = req.query.endpoint;
    if (endpoint !== undefined && typeof endpoint !== 'string') {
      throw new InputError('endpoint must be a single endpoint id');
    }
    const items = await log.list({
      status: readStatus(req.query.status),
      endpoint,
      limit: readLimit(req.query.limit),
    });
    res.json({ items });
  });

  router.post('/webhooks/deliveries/:id/redeliver', async (req, res) => {
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
    res.json({
      delivery: await log.get(delivery.id),
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
  router.use(sanitize);
  return router;
}
