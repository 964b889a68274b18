import { SignalClient } from '@backstage/plugin-signals';
import WebSocket from 'ws';
import { startSignalsBackend, userToken } from './__testUtils__/harness';

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
      const client = SignalClient.create({
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
        discoveryApi: { getBaseUrl: async () => server.httpUrl },
      });
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
});
