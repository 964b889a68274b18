import { mockServices } from '@backstage/backend-test-utils';
import { AddressInfo } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { defaultSignalsConfig } from '../config';
import { signalPublisher } from '../signalPublisher';
import { SignalHub } from './SignalHub';

describe('SignalHub sockets', () => {
  let hub: SignalHub;
  let server: WebSocketServer;
  let accepted: Promise<WebSocket>;

  beforeEach(async () => {
    hub = new SignalHub(defaultSignalsConfig, mockServices.logger.mock());
    server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      // As the endpoint: tracking clients adds a close listener per socket.
      clientTracking: false,
      WebSocket: hub.socketClass,
      // As the endpoint: the subprotocol that carried the token is echoed.
      handleProtocols: protocols => protocols.values().next().value ?? false,
    });
    accepted = new Promise(resolve =>
      server.once('connection', socket => {
        hub.add(socket, 'user:default/alice', []);
        resolve(socket);
      }),
    );
    await new Promise(resolve => server.once('listening', resolve));
  });

  afterEach(async () => {
    hub.shutdown();
    await new Promise(resolve => server.close(resolve));
  });

  async function connect(protocol?: string) {
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, protocol);
    await new Promise(resolve => client.once('open', resolve));
    return { client, serverSide: await accepted };
  }

  /** The server has read every frame the client sent before the ping. */
  const roundTrip = (client: WebSocket) =>
    new Promise(resolve => {
      client.once('pong', resolve);
      client.ping();
    });

  it('keeps no subprotocol once the handshake has echoed it', async () => {
    const { client, serverSide } = await connect('a-user-token');
    expect(client.protocol).toBe('a-user-token');
    expect(serverSide.protocol).toBe('');
  });

  it('serves sockets of its class without a listener on each', async () => {
    const { client, serverSide } = await connect();
    expect(serverSide).toBeInstanceOf(hub.socketClass);
    for (const event of ['message', 'ping', 'pong', 'close', 'error']) {
      expect(serverSide.listenerCount(event)).toBe(0);
    }
    expect((serverSide as unknown as { _events?: object })._events).toBe(
      undefined,
    );

    client.send(JSON.stringify({ action: 'subscribe', channel: 'c' }));
    await roundTrip(client);
    const frame = new Promise(resolve =>
      client.once('message', data => resolve(JSON.parse(String(data)))),
    );
    hub.deliver({
      recipients: { type: 'user', entityRef: 'user:default/alice' },
      channel: 'c',
      message: { n: 1 },
      offset: 1,
    });
    expect(await frame).toEqual({ channel: 'c', message: { n: 1 } });

    const closed = new Promise(resolve => serverSide.once('close', resolve));
    client.close();
    await closed;
    expect(hub.connectionCount).toBe(0);
  });

  it('still emits to listeners added to a socket of its class', async () => {
    const { client, serverSide } = await connect();
    const frames: string[] = [];
    serverSide.on('message', data => frames.push(String(data)));
    const closed = new Promise(resolve => serverSide.once('close', resolve));

    client.send(JSON.stringify({ action: 'subscribe', channel: 'c' }));
    await roundTrip(client);
    expect(frames).toEqual(['{"action":"subscribe","channel":"c"}']);
    client.close();
    await closed;
    expect(serverSide.listenerCount('close')).toBe(0);
    expect(hub.connectionCount).toBe(0);
  });

  it('drops a socket on error without an error listener of its own', async () => {
    const { serverSide } = await connect();
    expect(() => serverSide.emit('error', new Error('reset'))).not.toThrow();
    expect(hub.connectionCount).toBe(0);
  });
});

/** A `ws` server on a free port that creates the hub's sockets. */
async function listeningServer(hub: SignalHub) {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    WebSocket: hub.socketClass,
  });
  await new Promise(resolve => server.once('listening', resolve));
  return server;
}

describe('SignalHub queued bytes', () => {
  const config = {
    ...defaultSignalsConfig,
    maxBufferedBytes: 4 * 1024 * 1024,
    maxBufferedBytesPerReplica: 1024 * 1024,
  };
  const payload = 'x'.repeat(64 * 1024);
  let hub: SignalHub;
  let server: WebSocketServer;
  let offset = 0;
  let clients: WebSocket[];

  beforeEach(async () => {
    clients = [];
    hub = new SignalHub(config, mockServices.logger.mock());
    server = await listeningServer(hub);
  });

  afterEach(async () => {
    // A client that reads nothing would never answer the close handshake.
    clients.forEach(client => client.terminate());
    hub.shutdown();
    await new Promise(resolve => server.close(resolve));
  });

  /** A client of `user`, subscribed to `c`, and the server's side of it. */
  async function connect(user: string) {
    const accepted = new Promise<WebSocket>(resolve =>
      server.once('connection', socket => {
        hub.add(socket, user, []);
        resolve(socket);
      }),
    );
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    clients.push(client);
    const frames: unknown[] = [];
    client.on('message', data => frames.push(data));
    await new Promise(resolve => client.once('open', resolve));
    const serverSide = await accepted;
    client.send(JSON.stringify({ action: 'subscribe', channel: 'c' }));
    await new Promise(resolve => {
      client.once('pong', resolve);
      client.ping();
    });
    return { client, serverSide, frames };
  }

  /** A signal of 64 KB to `user`; yields once, so sockets may drain. */
  async function signal(user: string) {
    hub.deliver({
      recipients: { type: 'user', entityRef: user },
      channel: 'c',
      message: { payload },
      offset: ++offset,
    });
    await new Promise(resolve => setImmediate(resolve));
  }

  /**
   * Signals of 64 KB to `user` while its client reads nothing, until more
   * than `bytes` wait in the server's process (the kernel's buffers full),
   * then lets it read again. Answers how many were sent.
   */
  async function backlog(
    user: string,
    { client, serverSide }: Awaited<ReturnType<typeof connect>>,
    bytes: number,
  ) {
    const tcp = (client as unknown as { _socket: NodeJS.ReadableStream })
      ._socket;
    tcp.pause();
    let sent = 0;
    while (serverSide.bufferedAmount <= bytes && sent < 2000) {
      await signal(user);
      sent++;
    }
    expect(serverSide.bufferedAmount).toBeGreaterThan(bytes);
    tcp.resume();
    return sent;
  }

  async function received(
    frames: unknown[],
    count: number,
    serverSide: WebSocket,
  ) {
    while (frames.length < count || serverSide.bufferedAmount > 0) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
  }

  it('does not hold bytes a consumer has since caught up on against the replica', async () => {
    const alice = await connect('user:default/alice');
    const bob = await connect('user:default/bob');

    // 600 KB waiting for alice, then read: under both caps on its own.
    const toAlice = await backlog('user:default/alice', alice, 600 * 1024);
    await received(alice.frames, toAlice, alice.serverSide);
    // As much for bob: over the replica's 1 MB only if alice's still counted.
    const toBob = await backlog('user:default/bob', bob, 600 * 1024);
    await received(bob.frames, toBob, bob.serverSide);

    expect(alice.serverSide.readyState).toBe(WebSocket.OPEN);
    expect(bob.serverSide.readyState).toBe(WebSocket.OPEN);
    expect(hub.connectionCount).toBe(2);
  }, 20_000);

  it('closes the consumer with the most bytes waiting when the replica is full', async () => {
    const alice = await connect('user:default/alice');
    const bob = await connect('user:default/bob');
    const closed = new Promise(resolve =>
      alice.client.once('close', code => resolve(code)),
    );

    await backlog('user:default/alice', alice, 900 * 1024);
    // Bob's first frame that waits takes the replica over its 1 MB.
    (
      bob.client as unknown as { _socket: NodeJS.ReadableStream }
    )._socket.pause();
    for (let n = 0; n < 2000 && hub.connectionCount === 2; n++) {
      await signal('user:default/bob');
    }
    expect(await closed).toBe(1013);
    expect(bob.serverSide.readyState).toBe(WebSocket.OPEN);
  }, 20_000);
});

describe('SignalHub writing ahead of the bus', () => {
  let hub: SignalHub;
  let server: WebSocketServer;
  let clients: WebSocket[];
  const toAlice = (n: number) => ({
    recipients: { type: 'user' as const, entityRef: 'user:default/alice' },
    channel: 'c',
    message: { n },
  });

  beforeEach(async () => {
    clients = [];
    hub = new SignalHub(defaultSignalsConfig, mockServices.logger.mock());
    server = await listeningServer(hub);
    server.on('connection', socket =>
      hub.add(socket, 'user:default/alice', []),
    );
  });

  afterEach(async () => {
    clients.forEach(client => client.terminate());
    hub.shutdown();
    await new Promise(resolve => server.close(resolve));
  });

  /** An open client of alice's and the frames it received, parsed. */
  async function connect() {
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    clients.push(client);
    const frames: any[] = [];
    client.on('message', data => frames.push(JSON.parse(String(data))));
    await new Promise(resolve => client.once('open', resolve));
    return {
      frames,
      /** Subscribes and waits until the hub has read the frame. */
      async subscribe(offset?: null) {
        client.send(
          JSON.stringify({ action: 'subscribe', channel: 'c', offset }),
        );
        await this.roundTrip();
      },
      /** Every frame written before this reached the client. */
      roundTrip: () =>
        new Promise(resolve => {
          client.once('pong', resolve);
          client.ping();
        }),
    };
  }

  it('writes plain subscribers before the bus has the signal and offset subscribers after, each once', async () => {
    const plain = await connect();
    await plain.subscribe();
    const withOffsets = await connect();
    await withOffsets.subscribe(null);

    const published = hub.writeAhead(toAlice(1));
    await Promise.all([plain.roundTrip(), withOffsets.roundTrip()]);
    expect(plain.frames).toEqual([{ channel: 'c', message: { n: 1 } }]);
    expect(withOffsets.frames).toEqual([
      { channel: 'c', event: 'subscribed', offset: 0 },
    ]);

    hub.deliver({ ...published, offset: 1 });
    // Another replica's signal carries no origin of this one: to everyone.
    hub.deliver({ ...toAlice(2), origin: 'elsewhere:1', offset: 2 });
    await Promise.all([plain.roundTrip(), withOffsets.roundTrip()]);
    expect(plain.frames).toEqual([
      { channel: 'c', message: { n: 1 } },
      { channel: 'c', message: { n: 2 } },
    ]);
    expect(withOffsets.frames).toEqual([
      { channel: 'c', event: 'subscribed', offset: 0 },
      { channel: 'c', message: { n: 1 }, offset: 1 },
      { channel: 'c', message: { n: 2 }, offset: 2 },
    ]);
  });

  it('hands a first subscribe within the grace a signal written ahead, once, before or after the bus has it', async () => {
    const early = await connect();
    const late = await connect();
    const published = hub.writeAhead(toAlice(1));

    await early.subscribe();
    hub.deliver({ ...published, offset: 1 });
    await late.subscribe();
    hub.deliver({ ...toAlice(2), offset: 2 });

    for (const client of [early, late]) {
      await client.roundTrip();
      expect(client.frames).toEqual([
        { channel: 'c', message: { n: 1 } },
        { channel: 'c', message: { n: 2 } },
      ]);
    }
  });

  it('forgets a signal whose publish failed', async () => {
    const client = await connect();
    const bus = {
      kind: 'failing',
      sharedByReplicas: true,
      start: async () => {},
      stop: async () => {},
      publish: async () => {
        throw new Error('log unreachable');
      },
    };
    await expect(signalPublisher(bus, hub)(toAlice(1))).rejects.toThrow(
      'log unreachable',
    );

    // Within the grace, a signal the bus still had would be replayed.
    await client.subscribe();
    hub.deliver({ ...toAlice(2), offset: 1 });
    await client.roundTrip();
    expect(client.frames).toEqual([{ channel: 'c', message: { n: 2 } }]);
  });
});
