import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { createErrorSanitizer } from '../service/sanitizeErrors';
import { OutboxStore } from './OutboxStore';

/**
 * `GET /admin/outbox`: pending and dead postProcess jobs, for operators'
 * monitoring. Service principals only (a static external token works).
 */
export function createOutboxAdminRouter(options: {
  httpAuth: HttpAuthService;
  store: OutboxStore;
  logger: LoggerService;
}) {
  const router = Router();
  router.get('/admin/outbox', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['service'] });
    res.json(await options.store.counts());
  });
  router.use(createErrorSanitizer(options.logger));
  return router;
}
