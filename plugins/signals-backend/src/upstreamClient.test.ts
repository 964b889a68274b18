import { SignalClient } from '@backstage/plugin-signals';
import { JsonObject } from '@backstage/types';
import WebSocket from 'ws';
import { startSignalsBackend, userToken } from './__testUtils__/harness';

function upstreamClient(
  httpUrl: () => string,
  options: { reconnectTimeout?: number } = {},
) {
  return SignalClient.create({
    identity: {
      getCredentials: async () => ({ token: userToken('alice') }),
      getProfileInfo: async () => ({}),
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice'],
      }),
      signOut: async () => undefined,
    },
    discoveryApi: { getBaseUrl: async () => httpUrl() },
    ...options,
  });
}

/** Publishes to alice every 50 ms until `arrived` settles. */
async function publishUntil(
  server: Awaited<ReturnType<typeof startSignalsBackend>>,
  arrived: Promise<unknown>,
  message: JsonObject,
) {
  const timer = setInterval(() => {
    server.signals
      .publish({
        recipients: { type: 'user', entityRef: 'user:default/alice' },
        channel: 'notifications',
        message,
      })
      .catch(() => undefined);
  }, 50);
  try {
    await arrived;
  } finally {
    clearInterval(timer);
  }
}

describe('the published upstream SignalClient', () => {
  const globals = globalThis as { WebSocket?: unknown };
  const originalWebSocket = globals.WebSocket;
  beforeAll(() => {
    globals.WebSocket = WebSocket;
  });
  afterAll(() => {
    globals.WebSocket = originalWebSocket;
  });

  it('subscribes and receives signals from this backend', async () => {
    const server = await startSignalsBackend();
    try {
      const client = upstreamClient(() => server.httpUrl);
      const received: unknown[] = [];
      const arrived = new Promise<void>(resolve => {
        const subscription = client.subscribe('notifications', message => {
          received.push(message);
          subscription.unsubscribe();
          resolve();
        });
      });
      // The client subscribes once its socket is open; signals published
      // between the handshake and its subscribe still reach it.
      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'user:default/bob' },
        channel: 'notifications',
        message: { action: 'new_notification', notification_id: 'not-mine' },
      });
      const publishUntilDelivered = setInterval(() => {
        server.signals.publish({
          recipients: { type: 'user', entityRef: 'user:default/alice' },
          channel: 'notifications',
          message: { action: 'new_notification' },
          perRecipient: { 'user:default/alice': { notification_id: 'n1' } },
        });
      }, 50);
      await arrived;
      clearInterval(publishUntilDelivered);
      expect(received).toEqual([
        { action: 'new_notification', notification_id: 'n1' },
      ]);
    } finally {
      await server.backend.stop();
    }
  });

  it('reconnects and resubscribes after the backend restarts on the same port', async () => {
    let server = await startSignalsBackend();
    const port = server.port;
    const client = upstreamClient(() => server.httpUrl, {
      reconnectTimeout: 200,
    });
    const received: JsonObject[] = [];
    let waiter: { phase: string; resolve: () => void } | undefined;
    const next = (phase: string) =>
      new Promise<void>(resolve => {
        waiter = { phase, resolve };
      });
    const subscription = client.subscribe('notifications', message => {
      received.push(message);
      if (waiter && message.phase === waiter.phase) {
        waiter.resolve();
      }
    });
    try {
      await publishUntil(server, next('before'), { phase: 'before' });
      await server.backend.stop();
      server = await startSignalsBackend({ port });
      await publishUntil(server, next('after'), { phase: 'after' });
      expect(received.at(-1)).toEqual({ phase: 'after' });
    } finally {
      subscription.unsubscribe();
      await server.backend.stop();
    }
  });
});
