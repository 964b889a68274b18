import WebSocket from 'ws';
import {
  TestClient,
  expectEverySignal,
  handshakeStatus,
  signalsBackendForSuite,
  stallOneOfTwoConsumers,
  userToken,
} from './__testUtils__/harness';

const alice = userToken('alice');
const bob = userToken('bob');
const carol = userToken('carol');

describe('replica-wide limits', () => {
  describe('channel names', () => {
    const server = signalsBackendForSuite({
      config: { signals: { maxChannelNameLength: 16 } },
    });

    it('serves a name at the limit and closes with 1008 on a longer one', async () => {
      const client = await TestClient.open(server.url, alice);
      const longest = 'c'.repeat(16);
      await client.subscribe(longest);
      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'user:default/alice' },
        channel: longest,
        message: { ok: true },
      });
      expect(await client.take()).toEqual([
        { channel: longest, message: { ok: true } },
      ]);
      client.send({ action: 'subscribe', channel: 'c'.repeat(17) });
      expect(await client.closed).toEqual({
        code: 1008,
        reason: 'Channel name too long',
      });
    });
  });

  describe('subscriptions and connections', () => {
    const server = signalsBackendForSuite({
      config: {
        signals: {
          maxSubscriptionsPerReplica: 3,
          maxConnectionsPerReplica: 2,
        },
      },
    });

    it('closes the subscriber that goes above the replica cap with 1013 and frees its share on close', async () => {
      const a = await TestClient.open(server.url, alice);
      const b = await TestClient.open(server.url, bob);
      await a.subscribe('one');
      await a.subscribe('two');
      await b.subscribe('one');
      // Subscribing again to a channel it holds costs nothing.
      await b.subscribe('one');
      expect(b.socket.readyState).toBe(WebSocket.OPEN);
      b.send({ action: 'subscribe', channel: 'three' });
      expect(await b.closed).toEqual({
        code: 1013,
        reason: 'Subscription capacity reached',
      });

      await a.close();
      const c = await TestClient.open(server.url, carol);
      for (const channel of ['one', 'two', 'three']) {
        await c.subscribe(channel);
      }
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'three',
        message: { n: 3 },
      });
      expect(await c.take()).toEqual([{ channel: 'three', message: { n: 3 } }]);
      await c.close();
    });

    it('refuses handshakes above the replica connection cap with 503', async () => {
      const a = await TestClient.open(server.url, alice);
      const b = await TestClient.open(server.url, bob);
      expect(await handshakeStatus(server.url, [carol])).toBe(503);
      await b.close();
      const c = await TestClient.open(server.url, carol);
      await Promise.all([a.close(), c.close()]);
    });
  });

  describe('buffered bytes', () => {
    const server = signalsBackendForSuite({
      config: {
        signals: {
          maxBufferedBytes: 4 * 1024 * 1024,
          maxBufferedBytesPerReplica: 1024 * 1024,
        },
      },
    });

    it('closes the connection with the most unsent bytes when the replica total is reached', async () => {
      const count = 200;
      const { slow, healthy } = await stallOneOfTwoConsumers(server, count);
      // Far below its own 4 MB, but the replica's 1 MB is full.
      expect(await slow.closed).toEqual({
        code: 1013,
        reason: 'Slow consumer',
      });
      await expectEverySignal(healthy, count);
      await healthy.close();
    }, 20_000);
  });
});
