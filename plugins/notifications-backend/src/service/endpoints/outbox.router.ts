import { HttpAuthService } from '@backstage/backend-plugin-api';
import { OutboxStore } from '../../outbox';
import { NotificationsApiRouter } from './types';

/**
 * `GET /admin/outbox`: pending and dead postProcess jobs, for operators'
 * monitoring. Service principals only (a static external token works).
 */
export function bindOutboxEndpoint(
  router: NotificationsApiRouter,
  options: { outbox: OutboxStore; httpAuth: HttpAuthService },
) {
  router.get('/admin/outbox', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['service'] });
    res.json(await options.outbox.counts());
  });
}
