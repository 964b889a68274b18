import { NotificationsStore } from '../../store/NotificationsStore';
import { toStatusFilter } from '../validation';
import { CallerServices, NotificationsApiRouter, currentUser } from './types';

/** `GET /status`: read and unread counts of the caller, optionally by state. */
export function bindStatusEndpoint(
  router: NotificationsApiRouter,
  options: CallerServices & { store: NotificationsStore },
) {
  router.get('/status', async (req, res) => {
    const user = await currentUser(req, options);
    res.json(await options.store.status(user, toStatusFilter(req.query)));
  });
}
