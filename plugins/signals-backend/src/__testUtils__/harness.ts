import { AuthenticationError } from '@backstage/errors';
import {
  AuthService,
  HttpRouterService,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createBackend } from '@backstage/backend-defaults';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { JsonObject } from '@backstage/types';
import { SignalsService, signalsServiceRef } from '@herald/plugin-signals-node';
import {
  createCredentialsBarrier,
  createLifecycleMiddleware,
  httpRouterServiceFactory,
} from '@backstage/backend-defaults/httpRouter';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { Server } from 'http';
import { AddressInfo, connect } from 'net';
import { Knex } from 'knex';
import WebSocket from 'ws';
import { signalsPlugin } from '../plugin';
import { freePort } from './freePort';

/** Group memberships the test userInfo service reports. */
const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
};

/**
 * A plugin httpRouter like the one of `@backstage/backend-defaults` 0.18:
 * the framework's lifecycle and credentials middleware in front of the
 * plugin's handlers under `/api/<pluginId>`, and no `addWebSocketHandler`.
 */
const legacyHttpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  deps: {
    plugin: coreServices.pluginMetadata,
    rootHttpRouter: coreServices.rootHttpRouter,
    httpAuth: coreServices.httpAuth,
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
  },
  factory({ plugin, rootHttpRouter, httpAuth, config, lifecycle }) {
    type Handler = Parameters<HttpRouterService['use']>[0];
    const barrier = createCredentialsBarrier({ httpAuth, config });
    const handlers: Handler[] = [
      createLifecycleMiddleware({ config, lifecycle }),
      barrier.middleware,
    ];
    rootHttpRouter.use(`/api/${plugin.getId()}`, (req, res, next) => {
      let index = 0;
      const step = (error?: unknown) => {
        const handler = handlers[index++];
        if (error || !handler) {
          next(error);
        } else {
          handler(req, res, step);
        }
      };
      step();
    });
    const router: Omit<HttpRouterService, 'addWebSocketHandler'> = {
      use: handler => {
        handlers.push(handler);
      },
      addAuthPolicy: policy => barrier.addAuthPolicy(policy),
    };
    return router as HttpRouterService;
  },
});

type SignalsBackendOptions = {
  config?: JsonObject;
  knex?: Knex;
  anonymousByDefault?: boolean;
  /**
   * A fixed port, for restarting a backend where clients expect it, or
   * `'free'` for one free now, so discovery's base URL leads back here.
   */
  port?: number | 'free';
  /** Serve plugins with an httpRouter without WebSocket routes, as backend-defaults 0.18 does. */
  legacyHttpRouter?: boolean;
};

export async function startSignalsBackend(options: SignalsBackendOptions = {}) {
  let signals!: SignalsService;
  let events!: EventsService;
  const publisher = createBackendPlugin({
    pluginId: 'publisher',
    register(env) {
      env.registerInit({
        deps: {
          signalsService: signalsServiceRef,
          eventsService: eventsServiceRef,
        },
        async init({ signalsService, eventsService }) {
          signals = signalsService;
          events = eventsService;
        },
      });
    },
  });
  // startTestBackend ships HTTP services that predate framework WebSocket
  // routes, so a regular backend runs with mocked auth on a random port.
  let server: Server | undefined;
  const fixedPort = options.port === 'free' ? await freePort() : options.port;
  const backend = createBackend();
  const features = [
    signalsPlugin,
    publisher,
    mockServices.rootConfig.factory({
      data: {
        ...options.config,
        backend: {
          baseUrl: fixedPort
            ? `http://127.0.0.1:${fixedPort}`
            : 'http://127.0.0.1',
          listen: { host: '127.0.0.1', port: fixedPort ?? 0 },
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
    options.legacyHttpRouter
      ? legacyHttpRouterServiceFactory
      : httpRouterServiceFactory,
    mockServices.rootLogger.factory({ level: 'none' }),
    createServiceFactory({
      service: coreServices.auth,
      deps: {},
      factory: () => subprotocolSafeAuth(),
    }),
    createServiceFactory({
      service: coreServices.userInfo,
      deps: {},
      factory: () => ({
        async getUserInfo(credentials) {
          const principal = credentials.principal as { userEntityRef: string };
          const ref = principal.userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
          };
        },
      }),
    }),
    ...(options.knex
      ? [mockServices.database.factory({ knex: options.knex })]
      : []),
    mockServices.httpAuth.factory(
      options.anonymousByDefault
        ? { defaultCredentials: mockCredentials.none() }
        : {},
    ),
  ];
  for (const feature of features) {
    backend.add(feature);
  }
  await backend.start();
  const port = (server!.address() as AddressInfo).port;
  return {
    backend,
    port,
    url: `ws://127.0.0.1:${port}/api/signals`,
    httpUrl: `http://127.0.0.1:${port}/api/signals`,
    signals,
    events,
  };
}

export const userToken = (name: string) => `user-${name}`;
export const serviceToken = 'service-catalog';

/**
 * Mock tokens are JSON, which is not allowed in a WebSocket subprotocol, so
 * tests use plain tokens that this auth service maps to mock credentials.
 */
function subprotocolSafeAuth(): AuthService {
  const auth = mockServices.auth();
  return Object.assign(Object.create(auth), {
    async authenticate(token: string) {
      const user = /^user-([a-z0-9]+)$/.exec(token);
      if (user) {
        return mockCredentials.user(`user:default/${user[1]}`);
      }
      if (token === serviceToken) {
        return mockCredentials.service('plugin:catalog');
      }
      throw new AuthenticationError('Bad token');
    },
  });
}

/** A `ws` client that queues what it receives so tests can await frames. */
export class TestClient {
  readonly frames: any[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', data => {
      this.frames.push(JSON.parse(data.toString()));
      this.wake();
    });
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    this.closed = new Promise(resolve =>
      socket.on('close', (code, reason) =>
        resolve({ code, reason: reason.toString() }),
      ),
    );
  }

  static async open(
    url: string,
    token: string | undefined,
    options: WebSocket.ClientOptions = {},
  ) {
    const client = new TestClient(
      new WebSocket(url, token ? [token] : [], options),
    );
    await client.opened;
    return client;
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(w => w());
  }

  send(frame: unknown) {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Subscribes and waits until the server has processed it. */
  async subscribe(channel: string, offset?: number | null) {
    this.send(
      offset === undefined
        ? { action: 'subscribe', channel }
        : { action: 'subscribe', channel, offset },
    );
    await this.roundTrip();
  }

  /**
   * Waits until the server has handled every frame sent so far: the server
   * handles frames in order and answers a ping only after them.
   */
  roundTrip() {
    return new Promise<void>(resolve => {
      this.socket.once('pong', () => resolve());
      this.socket.ping();
    });
  }

  /** Waits for the `count` frames after the ones already taken. */
  async take(count = 1): Promise<any[]> {
    while (this.frames.length < count) {
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
    return this.frames.splice(0, count);
  }

  close() {
    this.socket.close();
    return this.closed;
  }
}

/** The HTTP status of a refused handshake. */
export function handshakeStatus(
  url: string,
  protocols: string[],
  headers: Record<string, string> = {},
) {
  return new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', error => {
      if (!/Unexpected server response/.test(error.message)) {
        reject(error);
      }
    });
  });
}

/**
 * Sends an upgrade request over a plain TCP socket and resolves with the
 * response head exactly as the server wrote it, without the blank line.
 */
export function rawHandshake(port: number, path: string, protocols: string[]) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', chunk => {
      received += chunk;
    });
    socket.on('end', () => resolve(received.replace(/\r\n\r\n$/, '')));
    socket.on('error', reject);
    socket.write(
      [
        `GET ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        ...(protocols.length
          ? [`Sec-WebSocket-Protocol: ${protocols.join(', ')}`]
          : []),
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/**
 * Publishes `count` broadcasts of 64 KB on `channel` while `slow` reads
 * nothing, as a consumer on a stalled network would, then lets it read again.
 * Each publish yields once so other clients read, as real ones on their own
 * machines would.
 */
async function publishWhileStalled(
  signals: SignalsService,
  slow: TestClient,
  channel: string,
  count: number,
) {
  const rawSocket = (slow.socket as any)._socket;
  rawSocket.pause();
  const payload = 'x'.repeat(64 * 1024);
  for (let n = 0; n < count; n++) {
    await signals.publish({
      recipients: { type: 'broadcast' },
      channel,
      message: { n, payload },
    });
    await new Promise(resolve => setImmediate(resolve));
  }
  rawSocket.resume();
}

/**
 * A consumer that stops reading beside one that keeps up, both subscribed to
 * `firehose`, while `count` signals are published there (see
 * `publishWhileStalled`).
 */
export async function stallOneOfTwoConsumers(
  server: SignalsTestBackend,
  count: number,
) {
  const slow = await TestClient.open(server.url, userToken('alice'));
  const healthy = await TestClient.open(server.url, userToken('bob'));
  await slow.subscribe('firehose');
  await healthy.subscribe('firehose');
  await publishWhileStalled(server.signals, slow, 'firehose', count);
  return { slow, healthy };
}

/** Expects `client` to receive the `count` signals, n = 0, 1, …, in order. */
export async function expectEverySignal(client: TestClient, count: number) {
  const received = await client.take(count);
  expect(received.map(f => f.message.n)).toEqual(
    Array.from({ length: count }, (_, n) => n),
  );
}

export type SignalsTestBackend = Awaited<
  ReturnType<typeof startSignalsBackend>
>;

/**
 * One backend for the enclosing `describe`: started before its first test,
 * stopped after its last. The returned object is filled in once it runs.
 */
export function signalsBackendForSuite(options?: SignalsBackendOptions) {
  const server = {} as SignalsTestBackend;
  beforeAll(async () => {
    Object.assign(server, await startSignalsBackend(options));
  });
  afterAll(() => server.backend?.stop());
  return server;
}
