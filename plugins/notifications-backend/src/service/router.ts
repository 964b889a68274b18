import {
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  NOTIFICATIONS_SIGNAL_CHANNEL,
  NotificationReadSignal,
} from '@herald/plugin-notifications-common';
import { SignalsService } from '@herald/plugin-signals-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { DEFAULT_MAX_REQUEST_BODY_SIZE } from '../config';
import { NotificationSender } from '../delivery/NotificationSender';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotentRequests,
  parseIdempotencyKey,
} from '../idempotency';
import { notificationToJson } from '../notificationJson';
import { NotificationSettingsService } from '../settings/types';
import { NotificationsStore } from '../store/NotificationsStore';
import { createOpenApiDocument } from './openapi';
import { createErrorSanitizer } from './sanitizeErrors';
import {
  assertNoQuery,
  assertStorableRequest,
  parseListQuery,
  parseSendBody,
  parseTopicsQuery,
  parseUpdateBody,
} from './validation';

export type RouterOptions = {
  store: NotificationsStore;
  sender: NotificationSender;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  signals: SignalsService;
  logger: LoggerService;
  /** Serves `/settings` when present. */
  settings?: NotificationSettingsService;
  /** Body limit of a send (bytes, or express notation like '1mb'); default 1 MB. */
  maxSendBodySize?: number | string;
  /** Honours the `Idempotency-Key` header of sends when present. */
  idempotency?: IdempotentRequests;
};

/** Limit of every other body, as upstream; larger bodies are answered with 413. */
const JSON_BODY_LIMIT = '100kb';

/** A send to thousands of explicit users outgrows the limit of other bodies. */
function isSendRequest(req: Request): boolean {
  return (
    req.method === 'POST' && (req.path === '/notifications' || req.path === '/')
  );
}

export function createRouter(options: RouterOptions): express.Router {
  const {
    store,
    sender,
    httpAuth,
    userInfo,
    signals,
    logger,
    settings,
    idempotency,
  } = options;

  async function currentUser(req: Request): Promise<string> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    return userEntityRef;
  }

  const router = Router();
  const jsonBody = express.json({ limit: JSON_BODY_LIMIT });
  const sendJsonBody = express.json({
    limit: options.maxSendBodySize ?? DEFAULT_MAX_REQUEST_BODY_SIZE,
  });
  router.use((req, res, next) =>
    isSendRequest(req)
      ? sendJsonBody(req, res, next)
      : jsonBody(req, res, next),
  );
  router.use((req, _res, next) => {
    assertStorableRequest(req);
    next();
  });

  router.get('/openapi.json', async (req, res) => {
    await httpAuth.credentials(req);
    res.json(createOpenApiDocument(req.baseUrl));
  });

  const list = async (req: Request, res: express.Response) => {
    const user = await currentUser(req);
    const query = parseListQuery(req.query);
    const { totalCount, notifications } = await store.list(user, query);
    res.json({
      totalCount,
      notifications: notifications.map(notificationToJson),
    });
  };

  const getOne = async (req: Request, res: express.Response) => {
    const user = await currentUser(req);
    assertNoQuery(req.query);
    const notification = await store.get(user, req.params.id);
    if (!notification) {
      throw new NotFoundError('Not found');
    }
    res.json(notificationToJson(notification));
  };

  const update = async (req: Request, res: express.Response) => {
    const user = await currentUser(req);
    const { ids, read, saved } = parseUpdateBody(req.body);
    await store.updateState(user, ids, { read, saved });
    if (read !== undefined) {
      await publishReadState(user, ids, read);
    }
    const notifications = await store.getMany(user, ids);
    res.json(notifications.map(notificationToJson));
  };

  const send = async (req: Request, res: express.Response) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const key = parseIdempotencyKey(req.get(IDEMPOTENCY_KEY_HEADER));
    const sendOptions = parseSendBody(req.body);
    const origin = credentials.principal.subject;
    const deliver = () => sender.send({ origin, options: sendOptions });
    if (key === undefined || !idempotency) {
      res.json((await deliver()).map(notificationToJson));
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
  };

  async function publishReadState(user: string, ids: string[], read: boolean) {
    const message: NotificationReadSignal = {
      action: read ? 'notification_read' : 'notification_unread',
      notification_ids: ids,
    };
    try {
      await signals.publish({
        recipients: { type: 'user', entityRef: [user] },
        channel: NOTIFICATIONS_SIGNAL_CHANNEL,
        message,
      });
    } catch (error) {
      // The change is stored; other tabs just refresh later.
      logger.warn(`Failed to publish read state signal: ${error}`);
    }
  }

  router.get('/notifications', list);
  router.post('/notifications', send);
  router.post('/notifications/update', update);
  router.get('/notifications/:id', getOne);

  router.get('/status', async (req, res) => {
    const user = await currentUser(req);
    assertNoQuery(req.query);
    res.json(await store.status(user));
  });

  router.get('/topics', async (req, res) => {
    const user = await currentUser(req);
    const filter = parseTopicsQuery(req.query);
    res.json({ topics: await store.topics(user, filter) });
  });

  if (settings) {
    router.get('/settings', async (req, res) => {
      const user = await currentUser(req);
      assertNoQuery(req.query);
      res.json(await settings.getSettings(user));
    });
    router.post('/settings', async (req, res) => {
      const user = await currentUser(req);
      res.json(await settings.saveSettings(user, req.body));
    });
  }

  // Legacy root aliases, still used by upstream's node client.
  router.get('/', list);
  router.post('/', send);
  router.post('/update', update);
  router.get('/:id', getOne);

  router.use(createErrorSanitizer(logger));
  return router;
}
