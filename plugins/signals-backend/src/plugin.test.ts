import WebSocket from 'ws';
import {
  TestClient,
  expectEverySignal,
  handshakeStatus,
  rawHandshake,
  serviceToken,
  signalsBackendForSuite,
  stallOneOfTwoConsumers,
  startSignalsBackend,
  userToken,
} from './__testUtils__/harness';

const alice = userToken('alice');
const bob = userToken('bob');
const carol = userToken('carol');

describe('signals backend', () => {
  describe('handshake', () => {
    const server = signalsBackendForSuite({ anonymousByDefault: true });

    it('serves an unauthenticated health route', async () => {
      const res = await fetch(`${server.httpUrl}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('accepts a user token as the only subprotocol and echoes it', async () => {
      const client = await TestClient.open(server.url, alice);
      expect(client.socket.protocol).toBe(alice);
      await client.close();
    });

    it('accepts the token among several offered subprotocols', async () => {
      const client = new TestClient(
        new WebSocket(server.url, ['not-a-token', alice]),
      );
      await client.opened;
      expect(client.socket.protocol).toBe(alice);
      await client.close();
    });

    it('accepts a Bearer header and selects no subprotocol', async () => {
      const client = await TestClient.open(server.url, undefined, {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(client.socket.protocol).toBe('');
      await client.close();
    });

    it.each([
      ['no token', [], {}, 401],
      ['a bad token', ['not-a-token'], {}, 401],
      ['more than five candidates', ['a', 'b', 'c', 'd', 'e', alice], {}, 401],
      ['a service token', [serviceToken], {}, 403],
      [
        'a service Bearer token',
        [],
        { authorization: `Bearer ${serviceToken}` },
        403,
      ],
      [
        'five protocols and a Bearer header',
        ['a', 'b', 'c', 'd', 'e'],
        { authorization: `Bearer ${alice}` },
        401,
      ],
    ])('refuses %s', async (_name, protocols, headers, status) => {
      expect(await handshakeStatus(server.url, protocols, headers)).toBe(
        status,
      );
    });

    it('accepts the token as the fifth of five candidates', async () => {
      const client = new TestClient(
        new WebSocket(server.url, ['a', 'b', 'c', 'd', alice]),
      );
      await client.opened;
      expect(client.socket.protocol).toBe(alice);
      await client.close();
    });

    it.each([
      ['no token', [], '401 Unauthorized'],
      ['a service token', [serviceToken], '403 Forbidden'],
    ])(
      'answers %s with a bare response that closes the connection',
      async (_name, protocols, statusLine) => {
        const head = await rawHandshake(server.port, '/api/signals', protocols);
        const [first, ...headers] = head.split('\r\n');
        expect(first).toBe(`HTTP/1.1 ${statusLine}`);
        expect(headers.map(h => h.toLowerCase()).sort()).toEqual([
          'connection: close',
          'content-length: 0',
        ]);
      },
    );

    it('ignores the query string but does not match a trailing slash', async () => {
      expect(await handshakeStatus(`${server.url}?v=1`, [alice])).toBe(101);
      expect(await handshakeStatus(`${server.url}/`, [alice])).not.toBe(101);
    });
  });

  describe('delivery', () => {
    const server = signalsBackendForSuite({
      config: {
        signals: {
          maxSubscriptionsPerConnection: 3,
          maxConnectionsPerUser: 3,
          maxFrameBytes: 1024,
          replay: { bufferSize: 10 },
        },
      },
    });
    const clients: TestClient[] = [];
    const open = async (token: string) => {
      const client = await TestClient.open(server.url, token);
      clients.push(client);
      return client;
    };
    afterEach(async () => {
      await Promise.all(clients.splice(0).map(c => c.close()));
    });

    it('delivers upstream-shaped frames to subscribed recipients only', async () => {
      const a = await open(alice);
      const b = await open(bob);
      const c = await open(carol);
      await Promise.all([a, b, c].map(x => x.subscribe('news')));

      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'user:default/alice' },
        channel: 'news',
        message: { to: 'alice' },
      });
      await server.signals.publish({
        recipients: {
          type: 'user',
          entityRef: ['user:default/bob', 'user:default/carol'],
        },
        channel: 'news',
        message: { to: 'bob and carol' },
      });
      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'group:default/team-a' },
        channel: 'news',
        message: { to: 'team-a' },
      });
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'news',
        message: { to: 'everyone' },
      });
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'other',
        message: { to: 'nobody subscribed' },
      });

      expect(await a.take(3)).toEqual([
        { channel: 'news', message: { to: 'alice' } },
        { channel: 'news', message: { to: 'team-a' } },
        { channel: 'news', message: { to: 'everyone' } },
      ]);
      expect(await b.take(3)).toEqual([
        { channel: 'news', message: { to: 'bob and carol' } },
        { channel: 'news', message: { to: 'team-a' } },
        { channel: 'news', message: { to: 'everyone' } },
      ]);
      expect(await c.take(2)).toEqual([
        { channel: 'news', message: { to: 'bob and carol' } },
        { channel: 'news', message: { to: 'everyone' } },
      ]);
      await Promise.all([a, b, c].map(x => x.roundTrip()));
      expect([...a.frames, ...b.frames, ...c.frames]).toEqual([]);
    });

    it('merges per-recipient additions for each user only', async () => {
      const a = await open(alice);
      const b = await open(bob);
      const c = await open(carol);
      await Promise.all([a, b, c].map(x => x.subscribe('notifications')));
      await server.signals.publish({
        recipients: {
          type: 'user',
          entityRef: [
            'user:default/alice',
            'user:default/bob',
            'user:default/carol',
          ],
        },
        channel: 'notifications',
        message: { action: 'new_notification' },
        perRecipient: {
          'user:default/alice': { notification_id: 'a1' },
          'user:default/bob': { notification_id: 'b1' },
        },
      });
      expect(await a.take()).toEqual([
        {
          channel: 'notifications',
          message: { action: 'new_notification', notification_id: 'a1' },
        },
      ]);
      expect(await b.take()).toEqual([
        {
          channel: 'notifications',
          message: { action: 'new_notification', notification_id: 'b1' },
        },
      ]);
      expect(await c.take()).toEqual([
        { channel: 'notifications', message: { action: 'new_notification' } },
      ]);
    });

    it('delivers raw events published on the signals topic', async () => {
      const a = await open(alice);
      await a.subscribe('raw');
      await server.events.publish({
        topic: 'signals',
        eventPayload: {
          recipients: { type: 'broadcast' },
          channel: 'raw',
          message: { hello: 'world' },
        },
      });
      expect(await a.take()).toEqual([
        { channel: 'raw', message: { hello: 'world' } },
      ]);
    });

    it('drops events with an unknown recipient type, no recipients, or no channel or message', async () => {
      const a = await open(alice);
      await a.subscribe('odd');
      const payloads = [
        {
          recipients: { type: 'entity', entityRef: 'user:default/alice' },
          channel: 'odd',
          message: { n: 1 },
        },
        { channel: 'odd', message: { n: 2 } },
        { recipients: { type: 'broadcast' }, channel: '', message: { n: 3 } },
        { recipients: { type: 'broadcast' }, channel: 'odd' },
        {
          recipients: { type: 'broadcast' },
          channel: 'odd',
          message: { n: 5 },
        },
      ];
      for (const eventPayload of payloads) {
        await server.events.publish({ topic: 'signals', eventPayload });
      }
      expect(await a.take()).toEqual([{ channel: 'odd', message: { n: 5 } }]);
      await a.roundTrip();
      expect(a.frames).toEqual([]);
    });

    it('stops delivering after unsubscribe and sends one frame per connection', async () => {
      const a = await open(alice);
      await a.subscribe('twice');
      await a.subscribe('twice');
      await server.signals.publish({
        recipients: {
          type: 'user',
          entityRef: ['user:default/alice', 'group:default/team-a'],
        },
        channel: 'twice',
        message: { n: 1 },
      });
      expect(await a.take()).toEqual([{ channel: 'twice', message: { n: 1 } }]);
      a.send({ action: 'unsubscribe', channel: 'twice' });
      await a.roundTrip();
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'twice',
        message: { n: 2 },
      });
      await a.roundTrip();
      expect(a.frames).toEqual([]);
    });

    it('ignores bad frames and keeps the connection open', async () => {
      const a = await open(alice);
      a.send('not json');
      a.send('[1,2]');
      a.send({ action: 'dance', channel: 'x' });
      a.send({ action: 'subscribe' });
      a.send({ action: 'subscribe', channel: '' });
      a.socket.send(Buffer.from('{"action":"subscribe","channel":"bin"}'), {
        binary: true,
      });
      await a.subscribe('good');
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'bin',
        message: { n: 0 },
      });
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'good',
        message: { n: 1 },
      });
      expect(await a.take()).toEqual([{ channel: 'good', message: { n: 1 } }]);
      expect(a.socket.readyState).toBe(WebSocket.OPEN);
    });

    it('closes a connection that sends a frame above the size limit', async () => {
      const a = await open(alice);
      a.send({ action: 'subscribe', channel: 'x'.repeat(2000) });
      expect((await a.closed).code).toBe(1009);
    });

    it('ignores subscriptions above the per-connection limit', async () => {
      const a = await open(alice);
      for (const channel of ['c1', 'c2', 'c3', 'c4']) {
        await a.subscribe(channel);
      }
      for (const channel of ['c4', 'c3']) {
        await server.signals.publish({
          recipients: { type: 'broadcast' },
          channel,
          message: { channel },
        });
      }
      expect(await a.take()).toEqual([
        { channel: 'c3', message: { channel: 'c3' } },
      ]);
    });

    it('refuses connections above the per-user limit', async () => {
      await Promise.all([open(bob), open(bob), open(bob)]);
      expect(await handshakeStatus(server.url, [bob])).toBe(429);
      expect(await handshakeStatus(server.url, [carol])).toBe(101);
    });

    it('delivers signals published between connecting and subscribing', async () => {
      const a = await open(alice);
      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'user:default/alice' },
        channel: 'early',
        message: { n: 1 },
      });
      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'user:default/bob' },
        channel: 'early',
        message: { n: 2 },
      });
      await a.subscribe('early');
      expect(await a.take()).toEqual([{ channel: 'early', message: { n: 1 } }]);
      await a.roundTrip();
      expect(a.frames).toEqual([]);
    });

    it('replays missed signals in order to a client resuming with its offset', async () => {
      const first = await open(alice);
      await first.subscribe('resume', null);
      expect(await first.take()).toEqual([
        { channel: 'resume', event: 'subscribed', offset: 0 },
      ]);
      await server.signals.publish({
        recipients: { type: 'user', entityRef: 'user:default/alice' },
        channel: 'resume',
        message: { n: 0 },
      });
      const [seen] = await first.take();
      expect(seen).toEqual({ channel: 'resume', message: { n: 0 }, offset: 1 });
      await first.close();

      for (let n = 1; n <= 8; n++) {
        await server.signals.publish({
          recipients: { type: 'user', entityRef: 'user:default/alice' },
          channel: 'resume',
          message: { n },
        });
      }
      const second = await open(alice);
      await second.subscribe('resume', seen.offset);
      const frames = await second.take(9);
      expect(frames.slice(0, 8)).toEqual(
        [1, 2, 3, 4, 5, 6, 7, 8].map(n => ({
          channel: 'resume',
          message: { n },
          offset: n + 1,
        })),
      );
      expect(frames[8]).toEqual({
        channel: 'resume',
        event: 'subscribed',
        offset: 9,
      });
    });

    it('sends a gap when the replay buffer no longer reaches back', async () => {
      for (let n = 1; n <= 12; n++) {
        await server.signals.publish({
          recipients: { type: 'broadcast' },
          channel: 'gappy',
          message: { n },
        });
      }
      const a = await open(alice);
      await a.subscribe('gappy', 1);
      expect(await a.take()).toEqual([
        { channel: 'gappy', event: 'gap', offset: 12 },
      ]);
      await server.signals.publish({
        recipients: { type: 'broadcast' },
        channel: 'gappy',
        message: { n: 13 },
      });
      expect(await a.take()).toEqual([
        { channel: 'gappy', message: { n: 13 }, offset: 13 },
      ]);
    });
  });

  describe('replay byte budget', () => {
    const server = signalsBackendForSuite({
      config: { signals: { replay: { maxBytes: 50_000 } } },
    });

    it('forgets large signals past signals.replay.maxBytes and says so', async () => {
      const large = 'x'.repeat(30_000);
      for (let n = 1; n <= 3; n++) {
        await server.signals.publish({
          recipients: { type: 'broadcast' },
          channel: 'large',
          message: { n, large },
        });
      }
      const behind = await TestClient.open(server.url, alice);
      const caughtUp = await TestClient.open(server.url, bob);
      try {
        await behind.subscribe('large', 1);
        expect(await behind.take()).toEqual([
          { channel: 'large', event: 'gap', offset: 3 },
        ]);
        await caughtUp.subscribe('large', 2);
        expect(await caughtUp.take(2)).toEqual([
          { channel: 'large', message: { n: 3, large }, offset: 3 },
          { channel: 'large', event: 'subscribed', offset: 3 },
        ]);
      } finally {
        await Promise.all([behind.close(), caughtUp.close()]);
      }
    });
  });

  describe('replay of 100 signals', () => {
    it('delivers all 100 missed signals in order after a reconnect', async () => {
      const server = await startSignalsBackend();
      try {
        const first = await TestClient.open(server.url, alice);
        await first.subscribe('bulk', null);
        await first.take();
        await first.close();
        for (let n = 1; n <= 100; n++) {
          await server.signals.publish({
            recipients: { type: 'user', entityRef: 'user:default/alice' },
            channel: 'bulk',
            message: { n },
          });
        }
        const second = await TestClient.open(server.url, alice);
        await second.subscribe('bulk', 0);
        const frames = await second.take(101);
        expect(frames.slice(0, 100).map(f => [f.message.n, f.offset])).toEqual(
          Array.from({ length: 100 }, (_, i) => [i + 1, i + 1]),
        );
        expect(frames[100]).toEqual({
          channel: 'bulk',
          event: 'subscribed',
          offset: 100,
        });
        await second.close();
      } finally {
        await server.backend.stop();
      }
    });
  });

  describe('heartbeat', () => {
    const server = signalsBackendForSuite({
      config: {
        signals: {
          pingInterval: { milliseconds: 100 },
          maxBufferedBytes: 256 * 1024,
        },
      },
    });

    it('pings clients and terminates those that do not answer', async () => {
      const answering = await TestClient.open(server.url, alice);
      const silent = await TestClient.open(server.url, bob, {
        autoPong: false,
      });
      const pinged = new Promise(resolve =>
        answering.socket.once('ping', resolve),
      );
      await pinged;
      expect((await silent.closed).code).toBe(1006);
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
      await answering.close();
    });
  });

  describe('slow consumers', () => {
    // A consumer that stops reading stops answering pings too; with a short
    // ping interval the heartbeat could end it (1006) before the buffer cap
    // does, so the cap is tested where the heartbeat stays out of the way.
    const server = signalsBackendForSuite({
      config: {
        signals: {
          pingInterval: { minutes: 10 },
          maxBufferedBytes: 256 * 1024,
        },
      },
    });

    it('closes a consumer that stops reading with code 1013', async () => {
      const count = 400;
      const { slow, healthy } = await stallOneOfTwoConsumers(server, count);
      expect((await slow.closed).code).toBe(1013);
      await expectEverySignal(healthy, count);
      await healthy.close();
    }, 20_000);
  });
});
