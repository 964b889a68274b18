import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotificationsStore } from '../../store/NotificationsStore';
import { toStatusFilter } from '../validation';
import { NotificationsApiRouter, currentUser } from './types';

/** `GET /status`: read and unread counts of the caller, optionally by state. */
export function bindStatusEndpoint(
  router: NotificationsApiRouter,
  options: {
    store: NotificationsStore;
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
  },
) {
  router.get('/status', async (req, res) => {
    const user = await currentUser(req, options);
    res.json(await options.store.status(user, toStatusFilter(req.query)));
  });
}
