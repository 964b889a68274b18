import {
  TestClient,
  handshakeStatus,
  rawHandshake,
  serviceToken,
  signalsBackendForSuite,
  startSignalsBackend,
  userToken,
} from './__testUtils__/harness';

const alice = userToken('alice');

async function deliversTo(
  server: Awaited<ReturnType<typeof startSignalsBackend>>,
  client: TestClient,
) {
  await client.subscribe('legacy');
  await server.signals.publish({
    recipients: { type: 'user', entityRef: 'user:default/alice' },
    channel: 'legacy',
    message: { hello: 'world' },
  });
  return client.take();
}

describe('on a framework without WebSocket routes (backend-defaults 0.18)', () => {
  describe('that can reach itself through discovery', () => {
    const server = signalsBackendForSuite({
      legacyHttpRouter: true,
      port: 'free',
    });

    it('accepts the first upgrade and delivers signals', async () => {
      const client = await TestClient.open(server.url, alice);
      expect(client.socket.protocol).toBe(alice);
      expect(await deliversTo(server, client)).toEqual([
        { channel: 'legacy', message: { hello: 'world' } },
      ]);
      await client.close();
    });

    it('authenticates upgrades as the framework does', async () => {
      expect(await handshakeStatus(server.url, [])).toBe(401);
      expect(await handshakeStatus(server.url, ['not-a-token'])).toBe(401);
      expect(await handshakeStatus(server.url, [serviceToken])).toBe(403);
      expect(
        await handshakeStatus(server.url, ['a', 'b', 'c', 'd', 'e', alice]),
      ).toBe(401);
      const bearer = await TestClient.open(server.url, undefined, {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(bearer.socket.protocol).toBe('');
      await bearer.close();
    });

    it('answers upgrades of other paths with 404 as the only upgrade listener, and serves plain HTTP', async () => {
      expect(await rawHandshake(server.port, '/api/other', [alice])).toMatch(
        /^HTTP\/1\.1 404 Not Found/,
      );
      expect(
        await rawHandshake(server.port, '/api/signals/nested', [alice]),
      ).toMatch(/^HTTP\/1\.1 404 Not Found/);
      const health = await fetch(`${server.httpUrl}/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
    });
  });

  it('asks the first upgrade to retry when discovery did not lead back to it', async () => {
    // Without a port in its base URL, discovery points nowhere useful, so the
    // plugin only learns its server from the first request.
    const server = await startSignalsBackend({ legacyHttpRouter: true });
    try {
      expect(await rawHandshake(server.port, '/api/signals', [alice])).toMatch(
        /^HTTP\/1\.1 503 Service Unavailable/,
      );
      const client = await TestClient.open(server.url, alice);
      expect(await deliversTo(server, client)).toEqual([
        { channel: 'legacy', message: { hello: 'world' } },
      ]);
      await client.close();
    } finally {
      await server.backend.stop();
    }
  });
});
