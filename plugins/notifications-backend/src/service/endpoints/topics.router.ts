import { NotificationsStore } from '../../store/NotificationsStore';
import { toNotificationFilter } from '../validation';
import { CallerServices, NotificationsApiRouter, currentUser } from './types';

/** `GET /topics`: distinct topics of the caller's notifications, filtered. */
export function bindTopicsEndpoint(
  router: NotificationsApiRouter,
  options: CallerServices & { store: NotificationsStore },
) {
  router.get('/topics', async (req, res) => {
    const user = await currentUser(req, options);
    const filter = toNotificationFilter(req.query);
    res.json({ topics: await options.store.topics(user, filter) });
  });
}
