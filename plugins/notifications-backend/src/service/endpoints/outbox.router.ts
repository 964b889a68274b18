import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { OutboxStore } from '../../outbox';
import { NotificationsApiRouter } from './types';

/** Dead jobs per page when the caller names no limit. */
const DEFAULT_DEAD_PAGE = 100;

/**
 * The admin outbox routes, for operators: the counts to monitor, and the
 * dead jobs to read and re-queue. Service principals only (a static
 * external token works).
 */
export function bindOutboxEndpoint(
  router: NotificationsApiRouter,
  options: { outbox: OutboxStore; httpAuth: HttpAuthService },
) {
  const { outbox, httpAuth } = options;

  router.get('/admin/outbox', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    res.json(await outbox.counts());
  });

  router.get('/admin/outbox/dead', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const items = await outbox.listDead({
      offset: Number(req.query.offset ?? 0),
      limit: Number(req.query.limit ?? DEFAULT_DEAD_PAGE),
    });
    res.json({ items });
  });

  router.post('/admin/outbox/dead/requeue', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const { ids, all } = req.body;
    if (ids && all !== undefined) {
      throw new InputError('Give either ids or all, not both');
    }
    if (!ids && all !== true) {
      throw new InputError(
        'Give the ids of the jobs to re-queue, or all: true',
      );
    }
    res.json({ requeued: await outbox.requeueDead(ids) });
  });
}
