import {
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { NotificationSendOptions } from '@herald/plugin-notifications-common';
import { SignalsService } from '@herald/plugin-signals-node';
import { Request, Response } from 'express';
import { NotificationSender } from '../../send/NotificationSender';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotentRequests,
} from '../../idempotency';
import { notificationToJson } from '../../notificationJson';
import { NotificationSignals } from '../../signals/NotificationSignals';
import { NotificationsStore } from '../../store/NotificationsStore';
import { ListQuery, toListOptions } from '../validation';
import { NotificationsApiRouter, currentUser } from './types';

export type NotificationsEndpointsOptions = {
  store: NotificationsStore;
  sender: NotificationSender;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  signals: SignalsService;
  logger: LoggerService;
  /** Honours the `Idempotency-Key` header of sends when present. */
  idempotency?: IdempotentRequests;
};

/**
 * `/notifications` (list, send, get one, update) and the root aliases
 * upstream's node client still calls.
 */
export function bindNotificationsEndpoints(
  router: NotificationsApiRouter,
  options: NotificationsEndpointsOptions,
) {
  const { store, sender, httpAuth, signals, logger, idempotency } = options;
  const notificationSignals = new NotificationSignals({ signals, logger });

  async function list(req: Request<any, any, any, any>, query: ListQuery) {
    const user = await currentUser(req, options);
    const { totalCount, notifications } = await store.list(
      user,
      toListOptions(query),
    );
    return { totalCount, notifications: notifications.map(notificationToJson) };
  }

  async function getOne(req: Request<any, any, any, any>, id: string) {
    const user = await currentUser(req, options);
    const notification = await store.get(user, id);
    if (!notification) {
      throw new NotFoundError('Not found');
    }
    return notificationToJson(notification);
  }

  async function update(
    req: Request<any, any, any, any>,
    body: { ids: string[]; read?: boolean; saved?: boolean },
  ) {
    const user = await currentUser(req, options);
    const { ids, read, saved } = body;
    await store.updateState(user, ids, { read, saved });
    if (read !== undefined) {
      await notificationSignals.publishReadState(user, ids, read);
    }
    return (await store.getMany(user, ids)).map(notificationToJson);
  }

  async function send(req: Request<any, any, any, any>, res: Response) {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const key = req.get(IDEMPOTENCY_KEY_HEADER);
    const sendOptions: NotificationSendOptions = req.body;
    const origin = credentials.principal.subject;
    const deliver = () => sender.send({ origin, options: sendOptions });
    if (key === undefined || !idempotency) {
      res.json(await deliver());
      return;
    }
    const response = await idempotency.run(
      { principal: origin, key, body: req.body },
      deliver,
    );
    if (response.replayed) {
      res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    }
    res.status(response.status).type('application/json').send(response.body);
  }

  router.get('/notifications', async (req, res) => {
    res.json(await list(req, req.query));
  });
  router.post('/notifications', send);
  router.post('/notifications/update', async (req, res) => {
    res.json(await update(req, req.body));
  });
  router.get('/notifications/:id', async (req, res) => {
    res.json(await getOne(req, req.params.id));
  });

  router.get('/', async (req, res) => {
    res.json(await list(req, req.query));
  });
  router.post('/', send);
  router.post('/update', async (req, res) => {
    res.json(await update(req, req.body));
  });
  router.get('/:id', async (req, res) => {
    res.json(await getOne(req, req.params.id));
  });
}
