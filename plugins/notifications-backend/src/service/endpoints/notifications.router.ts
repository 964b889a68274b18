import {
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  HERALD_EXTENSIONS_HEADER,
  NotificationSendOptions,
  RETURN_MINIMAL_PREFERENCE,
  prefersReturnMinimal,
} from '@herald/plugin-notifications-common';
import { SignalsService } from '@herald/plugin-signals-node';
import { Request, Response } from 'express';
import { finished } from 'node:stream';
import { NotificationSender } from '../../send/NotificationSender';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotentRequests,
} from '../../idempotency';
import {
  ServedNotificationJson,
  notificationToExtendedJson,
  notificationToJson,
} from '../../notificationJson';
import { NotificationSignals } from '../../signals/NotificationSignals';
import { NotificationsStore } from '../../store/NotificationsStore';
import {
  ListQuery,
  UpdateBody,
  toListOptions,
  toStateChange,
} from '../validation';
import { NotificationsApiRouter, currentUser } from './types';
import { answerJson } from './jsonAnswer';

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

/** The wire shape the caller asked for: upstream's, unless it opted in to Herald's extensions. */
function jsonFor(req: Request<any, any, any, any>) {
  return req.get(HERALD_EXTENSIONS_HEADER) === 'true'
    ? notificationToExtendedJson
    : notificationToJson;
}

/** A send's answer without its notifications, as `Prefer: return=minimal` asks. */
function answerMinimal(res: Response) {
  res.setHeader('Preference-Applied', RETURN_MINIMAL_PREFERENCE);
  res.status(204).end();
}

/** Each route's own path, then the root alias upstream's node client still calls. */
const ROUTE_PATHS = [
  {
    list: '/notifications',
    update: '/notifications/update',
    one: '/notifications/:id',
  },
  { list: '/', update: '/update', one: '/:id' },
] as const;

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
    return { totalCount, notifications: notifications.map(jsonFor(req)) };
  }

  async function getOne(req: Request<any, any, any, any>, id: string) {
    const user = await currentUser(req, options);
    const notification = await store.get(user, id);
    if (!notification) {
      throw new NotFoundError('Not found');
    }
    return jsonFor(req)(notification);
  }

  async function update(req: Request<any, any, any, any>, body: UpdateBody) {
    const user = await currentUser(req, options);
    const { ids } = body;
    const change = toStateChange(body);
    await store.updateState(user, ids, change);
    if (change.read !== undefined) {
      await notificationSignals.publishReadState(user, ids, change.read);
    }
    if (change.done !== undefined) {
      await notificationSignals.publishDoneState(user, ids, change.done);
    }
    if (change.snoozedUntil) {
      await notificationSignals.publishSnoozed(user, ids, change.snoozedUntil);
    }
    return (await store.getMany(user, ids)).map(jsonFor(req));
  }

  async function send(req: Request<any, any, any, any>, res: Response) {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const key = req.get(IDEMPOTENCY_KEY_HEADER);
    const sendOptions: NotificationSendOptions = req.body;
    const origin = credentials.principal.subject;
    const minimal = prefersReturnMinimal(req.get('Prefer'));
    const afterAnswer = (wake: () => void) => finished(res, () => wake());
    if (key === undefined || !idempotency) {
      // The answer's JSON, made while the send's last write runs.
      let made: { sent: ServedNotificationJson[]; json: string } | undefined;
      const sent = await sender.send({
        origin,
        options: sendOptions,
        afterAnswer,
        whileWriting: minimal
          ? undefined
          : written => {
              made = { sent: written, json: JSON.stringify(written) };
            },
      });
      if (minimal) {
        answerMinimal(res);
      } else {
        await answerJson(
          req,
          res,
          made?.sent === sent ? made.json : JSON.stringify(sent),
        );
      }
      return;
    }
    const response = await idempotency.run(
      { principal: origin, key, body: req.body, minimal },
      answer =>
        sender.send({ origin, options: sendOptions, answer, afterAnswer }),
    );
    if (response.replayed) {
      res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    }
    if (response.status === 204) {
      answerMinimal(res);
      return;
    }
    await answerJson(req, res, response.body, response.status);
  }

  for (const paths of ROUTE_PATHS) {
    router.get(paths.list, async (req, res) => {
      res.json(await list(req, req.query));
    });
    router.post(paths.list, send);
    router.post(paths.update, async (req, res) => {
      res.json(await update(req, req.body));
    });
    router.get(paths.one, async (req, res) => {
      res.json(await getOne(req, req.params.id));
    });
  }
}
