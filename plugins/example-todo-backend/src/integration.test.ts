import {
  AuthService,
  DiscoveryService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  closingDatabaseServiceFactory,
  groupEntity,
  readRequestBody,
  userEntity,
} from '@herald/notifications-test-utils';
import { TodoSignal } from '@herald/plugin-example-todo-common';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
// The whole flow runs against the real backends this plugin talks to.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsBackend from '@herald/plugin-notifications-backend';
import exampleWebhookModule from '@herald/plugin-notifications-backend-module-example-webhook';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import signalsBackend from '@herald/plugin-signals-backend';
import { exampleTodoPlugin } from './plugin';
import { seedTodos } from './seedTodos';

// Part of the example org: the owners of two seeded todos, with members.
const org = [
  userEntity('guest'),
  userEntity('alice'),
  userEntity('dave'),
  userEntity('erin'),
  userEntity('frank'),
  groupEntity('platform-team', ['alice', 'guest']),
  groupEntity('frontend-team', ['dave', 'erin', 'frank']),
];

const authorization = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

// Mock user tokens contain characters a WebSocket subprotocol may not, so
// browsers-style connections use `user-<name>` tokens; everything else keeps
// the mock tokens (including the plugin token of the notification service).
const WEBSOCKET_USER_TOKEN = /^user-([a-z]+)$/;
const webSocketToken = (name: string) => `user-${name}`;

function subprotocolSafeAuth(pluginId: string): AuthService {
  const auth = mockServices.auth({ pluginId });
  return Object.assign(Object.create(auth), {
    async authenticate(token: string, options?: any) {
      const match = WEBSOCKET_USER_TOKEN.exec(token);
      if (match) {
        return mockCredentials.user(`user:default/${match[1]}`);
      }
      return auth.authenticate(token, options);
    },
  });
}

/**
 * A webhook on a fixed loopback port that is first down (every connection is
 * reset, as by a crashed receiver) and then up.
 */
class WebhookReceiver {
  readonly received: any[] = [];
  failedConnections = 0;
  private waiters: Array<() => void> = [];
  private server?: Server;

  constructor(readonly port: number) {}

  /** A free loopback port with nothing listening on it yet. */
  static async reserve(): Promise<WebhookReceiver> {
    const probe = createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise(resolve => probe.close(resolve));
    return new WebhookReceiver(port);
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async startDown() {
    this.server = createServer();
    this.server.on('connection', socket => {
      this.failedConnections += 1;
      socket.destroy();
      this.wake();
    });
    await this.listen();
  }

  async waitForFailedConnections(count: number) {
    while (this.failedConnections < count) {
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
  }

  async startUp() {
    await this.stop();
    this.server = createServer(async (req, res) => {
      this.received.push(JSON.parse(await readRequestBody(req)));
      res.statusCode = 204;
      res.end();
      this.wake();
    });
    await this.listen();
  }

  private listen() {
    return new Promise<void>(resolve =>
      this.server!.listen(this.port, '127.0.0.1', resolve),
    );
  }

  private wake() {
    this.waiters.splice(0).forEach(wake => wake());
  }

  async waitFor(count: number) {
    while (this.received.length < count) {
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
    return this.received;
  }

  async stop() {
    if (this.server) {
      await new Promise(resolve => this.server!.close(resolve));
      this.server = undefined;
    }
  }
}

/** Opens a signals connection and collects the frames of one channel. */
async function subscribe(url: string, token: string, channel: string) {
  const socket = new WebSocket(url, [token]);
  const frames: any[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', data => {
    frames.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach(wake => wake());
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ action: 'subscribe', channel }));
  // The server handles frames in order and answers a ping after them, so
  // the pong means the subscription is in place.
  await new Promise(resolve => {
    socket.once('pong', resolve);
    socket.ping();
  });
  return {
    async next() {
      while (frames.length === 0) {
        await new Promise<void>(resolve => waiters.push(resolve));
      }
      return frames.shift();
    },
    close() {
      socket.close();
    },
  };
}

describe('example todo with the notifications and signals backends', () => {
  it('notifies the members of the owning group, broadcasts the signal and delivers the webhook once it is up', async () => {
    const webhook = await WebhookReceiver.reserve();
    await webhook.startDown();
    let server: Server | undefined;
    // The framework's current HTTP services are used because the test
    // backend's own do not route WebSocket upgrades.
    const discovery: DiscoveryService = {
      async getBaseUrl(pluginId) {
        const { port } = server!.address() as AddressInfo;
        return `http://127.0.0.1:${port}/api/${pluginId}`;
      },
      async getExternalBaseUrl(pluginId) {
        return this.getBaseUrl(pluginId);
      },
    };
    // The framework's own HTTP services route WebSocket upgrades; the
    // test backend's do not, so a regular backend runs with mocked auth.
    const backend = createBackend();
    const features = [
      notificationsBackend,
      exampleWebhookModule,
      signalsBackend,
      exampleTodoPlugin,
      closingDatabaseServiceFactory,
      catalogServiceMock.factory({ entities: org }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: {
            baseUrl: 'http://127.0.0.1',
            listen: { host: '127.0.0.1', port: 0 },
            // Each plugin gets its own in-memory SQLite database, as each
            // gets its own database in a deployment.
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          events: { useEventBus: 'never' },
          notifications: {
            processors: { exampleWebhook: { url: webhook.url } },
            outbox: {
              maxAttempts: 1000,
              initialBackoff: { milliseconds: 100 },
              maxBackoff: { milliseconds: 200 },
              pollInterval: { milliseconds: 100 },
            },
          },
        },
      }),
      rootHttpRouterServiceFactory({
        configure(context) {
          server = context.server;
          context.applyDefaults();
        },
      }),
      httpRouterServiceFactory,
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => discovery,
      }),
      createServiceFactory({
        service: coreServices.auth,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => subprotocolSafeAuth(plugin.getId()),
      }),
      mockServices.httpAuth.factory(),
      mockServices.userInfo.factory(),
      mockServices.scheduler.factory(),
      mockServices.rootLogger.factory({ level: 'none' }),
    ];
    features.forEach(feature => backend.add(feature));
    await backend.start();
    const baseUrl = await discovery.getBaseUrl('');
    const signalsUrl = (await discovery.getBaseUrl('signals')).replace(
      /^http/,
      'ws',
    );
    const watcher = await subscribe(
      signalsUrl,
      webSocketToken('guest'),
      'example-todo',
    );

    try {
      const listed = await fetch(`${baseUrl}example-todo/todos`, {
        headers: { Authorization: authorization('guest') },
      });
      const { items } = await listed.json();
      const teamTodo = items.find(
        (t: { owner: string }) => t.owner === 'group:default/frontend-team',
      );
      expect(teamTodo).toBeDefined();
      expect(items).toHaveLength(seedTodos.length);

      const completed = await fetch(
        `${baseUrl}example-todo/todos/${teamTodo.id}/complete`,
        { method: 'POST', headers: { Authorization: authorization('alice') } },
      );
      expect(completed.status).toBe(200);
      const todo = await completed.json();

      // A broadcast signal reaches a user outside the owning group.
      const expectedSignal: TodoSignal = {
        action: 'todo_completed',
        todo: { ...teamTodo, ...todo, completed: true },
      };
      const frame = await watcher.next();
      expect(frame.channel).toBe('example-todo');
      expect(frame.message).toEqual(expectedSignal);

      const inbox = async (name: string) => {
        const res = await fetch(`${baseUrl}notifications/`, {
          headers: { Authorization: authorization(name) },
        });
        return (await res.json()).notifications;
      };
      for (const member of ['dave', 'erin', 'frank']) {
        expect(await inbox(member)).toEqual([
          expect.objectContaining({
            user: `user:default/${member}`,
            origin: 'plugin:example-todo',
            payload: expect.objectContaining({
              title: `Todo completed: ${teamTodo.title}`,
              link: '/example-todo',
              topic: 'todo-completed',
              icon: 'dashboard',
            }),
          }),
        ]);
      }
      expect(await inbox('guest')).toEqual([]);
      expect(await inbox('alice')).toEqual([]);

      // While the webhook is down, deliveries fail and stay in the outbox;
      // once it is up, the outbox's retries deliver one request per
      // recipient.
      await webhook.waitForFailedConnections(4);
      const outbox = await fetch(`${baseUrl}notifications/admin/outbox`, {
        headers: { Authorization: mockCredentials.service.header() },
      });
      expect(await outbox.json()).toMatchObject({ pending: 3 });
      expect(webhook.received).toEqual([]);
      await webhook.startUp();
      const received = await webhook.waitFor(3);
      expect(received.map(n => n.user).sort()).toEqual([
        'user:default/dave',
        'user:default/erin',
        'user:default/frank',
      ]);
      expect(received[0]).toMatchObject({
        origin: 'plugin:example-todo',
        payload: { icon: 'dashboard', topic: 'todo-completed' },
      });
    } finally {
      watcher.close();
      await backend.stop();
      await webhook.stop();
    }
  });
});
