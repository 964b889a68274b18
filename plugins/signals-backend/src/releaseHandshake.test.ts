import { createServer, IncomingMessage } from 'http';
import { AddressInfo, connect } from 'net';
import { releaseHandshake } from './releaseHandshake';

const token = 'a'.repeat(600);

/** The request and head of one real upgrade, as Node.js's server hands them over. */
async function upgradeOnce(
  trailing = '',
): Promise<{ request: IncomingMessage; head: Buffer }> {
  const server = createServer();
  try {
    const upgraded = new Promise<{ request: IncomingMessage; head: Buffer }>(
      resolve =>
        server.once('upgrade', (request, socket, head) => {
          socket.destroy();
          resolve({ request, head });
        }),
    );
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => {});
    client.write(
      `GET /api/signals HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Protocol: ${token}\r\n\r\n${trailing}`,
    );
    return await upgraded;
  } finally {
    server.close();
  }
}

describe('releaseHandshake', () => {
  it('frees the headers and the bytes of the handshake behind an empty head', async () => {
    const { request, head } = await upgradeOnce();
    expect(head.length).toBe(0);
    expect(Buffer.from(head.buffer).toString('latin1')).toContain(token);

    releaseHandshake(request, head);

    expect(head.buffer.byteLength).toBe(0);
    expect(head.length).toBe(0);
    expect(request.headers).toEqual({});
    expect(request.rawHeaders).toEqual([]);
    expect(request.url).toBe('');
  });

  it('leaves a head with bytes alone, for the socket reads them', async () => {
    const { request, head } = await upgradeOnce('early');

    releaseHandshake(request, head);

    expect(head.toString()).toBe('early');
  });

  it("leaves memory other Buffers share intact (Node.js's Buffer pool)", async () => {
    const { request } = await upgradeOnce();
    const pooled = Buffer.from('pooled');
    const neighbour = Buffer.from('neighbour');
    expect(neighbour.buffer).toBe(pooled.buffer);

    releaseHandshake(request, pooled.subarray(pooled.length));

    expect(pooled.toString()).toBe('pooled');
    expect(neighbour.toString()).toBe('neighbour');
  });
});
