import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotificationsStore } from '../../store/NotificationsStore';
import { toNotificationFilter } from '../validation';
import { NotificationsApiRouter, currentUser } from './types';

/** `GET /topics`: distinct topics of the caller's notifications, filtered. */
export function bindTopicsEndpoint(
  router: NotificationsApiRouter,
  options: {
    store: NotificationsStore;
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
  },
) {
  router.get('/topics', async (req, res) => {
    const user = await currentUser(req, options);
    const filter = toNotificationFilter(req.query);
    res.json({ topics: await options.store.topics(user, filter) });
  });
}
