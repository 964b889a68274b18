import {
  AuthService,
  BackendFeature,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import upstreamSignalsPlugin from '@backstage/plugin-signals-backend';
// Both signals backends run next to this plugin, as installations run them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import heraldSignalsPlugin from '@herald/plugin-signals-backend';
import { SIGNALS_EVENT_TOPIC } from '@herald/plugin-signals-node';
import { closingDatabaseServiceFactory } from '@herald/notifications-test-utils';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { notificationsPlugin } from '../plugin';

jest.setTimeout(60_000);

const USERS = ['alice', 'bob', 'carol'];
const userRef = (name: string) => `user:default/${name}`;

/**
 * Mock tokens are JSON, which a WebSocket subprotocol cannot carry, so
 * sockets authenticate with `user-<name>` and everything else as the mock.
 */
function subprotocolSafeAuth(): AuthService {
  const auth = mockServices.auth();
  return Object.assign(Object.create(auth), {
    async authenticate(token: string, options?: object) {
      const user = /^user-([a-z0-9]+)$/.exec(token);
      if (user) {
        return mockCredentials.user(userRef(user[1]));
      }
      try {
        return await auth.authenticate(token, options as any);
      } catch {
        throw new AuthenticationError('Bad token');
      }
    },
  });
}

/** Everything published on the `signals` events topic. */
function eventRecorder() {
  const payloads: any[] = [];
  const feature = createBackendPlugin({
    pluginId: 'event-recorder',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'recorder',
            topics: [SIGNALS_EVENT_TOPIC],
            onEvent: async event => {
              payloads.push(event.eventPayload);
            },
          });
        },
      });
    },
  });
  return { payloads, feature };
}

/**
 * A real backend with a real HTTP server, as an installation runs it: the
 * test backend's HTTP services cannot serve WebSockets.
 */
async function startBackend(signalsPlugin: BackendFeature) {
  let server: Server | undefined;
  const recorder = eventRecorder();
  const backend = createBackend();
  const features = [
    notificationsPlugin,
    signalsPlugin,
    recorder.feature,
    closingDatabaseServiceFactory,
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://localhost:3000' },
        backend: {
          baseUrl: 'http://127.0.0.1',
          listen: { host: '127.0.0.1', port: 0 },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        events: { useEventBus: 'never' },
      },
    }),
    rootHttpRouterServiceFactory({
      configure(context) {
        server = context.server;
        context.applyDefaults();
      },
    }),
    httpRouterServiceFactory,
    mockServices.rootLogger.factory({ level: 'none' }),
    createServiceFactory({
      service: coreServices.auth,
      deps: {},
      factory: () => subprotocolSafeAuth(),
    }),
    mockServices.userInfo.factory(),
    mockServices.httpAuth.factory(),
    catalogServiceMock.factory({ entities: [] }),
  ];
  for (const feature of features) {
    backend.add(feature);
  }
  await backend.start();
  const { port } = server!.address() as AddressInfo;
  return { backend, port, events: recorder.payloads };
}

/** A user's socket, subscribed to the notifications channel. */
async function openSocket(port: number, user: string) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/signals`, [
    `user-${user}`,
  ]);
  const frames: any[] = [];
  socket.on('message', data => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(
    JSON.stringify({ action: 'subscribe', channel: 'notifications' }),
  );
  await roundTrip(socket);
  return { socket, frames };
}

/**
 * Resolves once the server handled everything sent before and wrote
 * everything it had queued for this socket: it answers a ping in order.
 */
function roundTrip(socket: WebSocket) {
  return new Promise<void>(resolve => {
    socket.once('pong', () => resolve());
    socket.ping();
  });
}

async function waitFor(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

async function sendToAll(port: number) {
  const response = await fetch(
    `http://127.0.0.1:${port}/api/notifications/notifications`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:deployer'),
          targetPluginId: 'notifications',
        }),
      },
      body: JSON.stringify({
        recipients: { type: 'entity', entityRef: USERS.map(userRef) },
        payload: { title: 'Deploy finished', severity: 'high' },
      }),
    },
  );
  expect(response.status).toBe(200);
  const notifications: Array<{ id: string; user: string }> =
    await response.json();
  return new Map(notifications.map(n => [n.user, n.id]));
}

describe.each([
  ['the published upstream signals backend', upstreamSignalsPlugin, 3],
  ["Herald's signals backend", heraldSignalsPlugin, 1],
])('a send to several users through %s', (_name, signalsPlugin, events) => {
  it(`gives each user their own notification_id in ${events} event(s)`, async () => {
    const {
      backend,
      port,
      events: published,
    } = await startBackend(signalsPlugin);
    const sockets = await Promise.all(
      USERS.map(user => openSocket(port, user)),
    );
    try {
      const ids = await sendToAll(port);
      expect(ids.size).toBe(USERS.length);

      const newNotifications = (frames: any[]) =>
        frames.filter(
          frame =>
            frame.channel === 'notifications' &&
            frame.message?.action === 'new_notification',
        );
      await waitFor(() =>
        sockets.every(({ frames }) => newNotifications(frames).length > 0),
      );
      await Promise.all(sockets.map(({ socket }) => roundTrip(socket)));

      USERS.forEach((user, i) => {
        const received = newNotifications(sockets[i].frames);
        expect(received).toHaveLength(1);
        const { message } = received[0];
        const id = ids.get(userRef(user));
        expect(message.notification_id).toBe(id);
        expect(message.notification).toMatchObject({
          id,
          user: userRef(user),
          origin: 'plugin:deployer',
          payload: { title: 'Deploy finished', severity: 'high' },
        });
      });
      expect(published).toHaveLength(events);
    } finally {
      for (const { socket } of sockets) {
        socket.terminate();
      }
      await backend.stop();
    }
  });
});
