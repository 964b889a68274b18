/**
 * @jest-environment node
 */
// The test runs in Node; a raw TCP server is the simplest peer that never answers a handshake.
// eslint-disable-next-line no-restricted-imports
import * as net from 'net';
import WebSocket, { WebSocketServer } from 'ws';
import { SignalClient, WebSocketConstructor } from './SignalClient';

/** A real WebSocket server that records what clients do. */
class Server {
  readonly wss: WebSocketServer;
  readonly tokens: string[] = [];
  readonly frames: any[] = [];
  readonly sockets: WebSocket[] = [];
  refuse = 0;
  private waiters: Array<() => void> = [];

  constructor() {
    this.wss = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      handleProtocols: protocols => [...protocols][0] ?? false,
      verifyClient: (info, done) => {
        this.tokens.push(String(info.req.headers['sec-websocket-protocol']));
        this.wake();
        if (this.refuse > 0) {
          this.refuse--;
          done(false, 401);
        } else {
          done(true);
        }
      },
    });
    this.wss.on('connection', socket => {
      this.sockets.push(socket);
      socket.on('message', data => {
        this.frames.push(JSON.parse(data.toString()));
        this.wake();
      });
      socket.on('close', code => {
        this.frames.push({ closed: code });
        this.wake();
      });
      this.wake();
    });
  }

  get baseUrl() {
    return `http://127.0.0.1:${
      (this.wss.address() as { port: number }).port
    }/api/signals`;
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(w => w());
  }

  async until(condition: () => boolean) {
    while (!condition()) {
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
  }

  get last() {
    return this.sockets[this.sockets.length - 1];
  }

  close() {
    this.sockets.forEach(s => s.terminate());
    return new Promise(resolve => this.wss.close(resolve));
  }
}

function tokens(...values: Array<string | undefined>) {
  let attempt = 0;
  return {
    getCredentials: jest.fn(async () => ({
      token: values[Math.min(attempt++, values.length - 1)],
    })),
  };
}

describe('SignalClient', () => {
  let server: Server;
  let subscriptions: Array<{ unsubscribe(): void }>;
  beforeEach(async () => {
    server = new Server();
    subscriptions = [];
    await new Promise(resolve => server.wss.once('listening', resolve));
  });
  afterEach(async () => {
    subscriptions.forEach(s => s.unsubscribe());
    jest.restoreAllMocks();
    await server.close();
  });

  /** A client whose subscriptions all end with the test. */
  const create = (
    identity: ReturnType<typeof tokens>,
    reconnectTimeout = 10,
  ) => {
    const client = SignalClient.create({
      identity,
      discoveryApi: { getBaseUrl: async () => server.baseUrl },
      reconnectTimeout,
      webSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const subscribe = client.subscribe.bind(client);
    client.subscribe = (channel, onMessage) => {
      const subscription = subscribe(channel, onMessage);
      subscriptions.push(subscription);
      return subscription;
    };
    return client;
  };

  it('shares one socket and subscribes once per channel', async () => {
    const client = create(tokens('t1'));
    const got: unknown[] = [];
    const a1 = client.subscribe('a', m => got.push(['a1', m]));
    const a2 = client.subscribe('a', m => got.push(['a2', m]));
    const b = client.subscribe('b', m => got.push(['b', m]));
    await server.until(() => server.frames.length === 2);
    expect(server.sockets).toHaveLength(1);
    expect(server.tokens).toEqual(['t1']);
    expect(server.frames).toEqual([
      { action: 'subscribe', channel: 'a', offset: null },
      { action: 'subscribe', channel: 'b', offset: null },
    ]);

    server.last.send(JSON.stringify({ channel: 'a', message: { n: 1 } }));
    server.last.send(JSON.stringify({ channel: 'b', message: { n: 2 } }));
    const synced = new Promise(resolve => client.subscribe('sync', resolve));
    await server.until(() => server.frames.length === 3);
    server.last.send(JSON.stringify({ channel: 'sync', message: {} }));
    await synced;
    expect(got).toEqual([
      ['a1', { n: 1 }],
      ['a2', { n: 1 }],
      ['b', { n: 2 }],
    ]);

    a1.unsubscribe();
    b.unsubscribe();
    await server.until(() => server.frames.length === 4);
    expect(server.frames[3]).toEqual({ action: 'unsubscribe', channel: 'b' });
    a2.unsubscribe();
    expect(client.state).toBe('connected');
  });

  it('closes with 1000 when the last subscription leaves', async () => {
    const client = create(tokens('t1'));
    const subscription = client.subscribe('a', () => {});
    await server.until(() => server.frames.length === 1);
    subscription.unsubscribe();
    await server.until(() => server.frames.length === 2);
    expect(server.frames[1]).toEqual({ closed: 1000 });
    expect(client.state).toBe('disconnected');
  });

  it('does not connect or retry without a token', async () => {
    const identity = tokens(undefined);
    const client = create(identity);
    const states: string[] = [];
    client.observeConnection({ onStateChange: s => states.push(s) });
    client.subscribe('a', () => {});
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.tokens).toEqual([]);
    expect(identity.getCredentials).toHaveBeenCalledTimes(1);
    expect(states).toEqual(['disconnected', 'connecting', 'disconnected']);
  });

  it('retries refused handshakes with a fresh token and growing delays', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999999);
    const timeouts = jest.spyOn(globalThis, 'setTimeout');
    server.refuse = 3;
    const identity = tokens('t1', 't2', 't3', 't4');
    const client = create(identity);
    client.subscribe('a', () => {});
    await server.until(() => server.frames.length === 1);
    expect(server.tokens).toEqual(['t1', 't2', 't3', 't4']);
    const delays = timeouts.mock.calls
      .map(call => call[1] as number)
      .filter(ms => ms < SignalClient.DEFAULT_CONNECT_TIMEOUT_MS)
      .map(Math.round);
    expect(delays).toEqual([10, 20, 40]);
    expect(client.state).toBe('connected');
  });

  it.each([1001, 1011, 'terminate'])(
    'reconnects after %s and resumes from the last offset',
    async how => {
      const client = create(tokens('t1', 't2'));
      const got = new Promise(resolve => client.subscribe('a', resolve));
      await server.until(() => server.frames.length === 1);
      const first = server.last;
      first.send(
        JSON.stringify({ channel: 'a', event: 'subscribed', offset: 4 }),
      );
      first.send(
        JSON.stringify({ channel: 'a', message: { n: 5 }, offset: 5 }),
      );
      expect(await got).toEqual({ n: 5 });
      if (how === 'terminate') {
        first.terminate();
      } else {
        first.close(how as number);
      }
      await server.until(
        () => server.sockets.length === 2 && server.frames.length >= 3,
      );
      expect(server.tokens).toEqual(['t1', 't2']);
      expect(server.frames.filter(f => f.action)).toEqual([
        { action: 'subscribe', channel: 'a', offset: null },
        { action: 'subscribe', channel: 'a', offset: 5 },
      ]);
    },
  );

  it('reports a gap and continues from the offset it names', async () => {
    const client = create(tokens('t1', 't2'));
    const gaps: string[] = [];
    client.observeConnection({ onGap: channel => gaps.push(channel) });
    client.subscribe('a', () => {});
    await server.until(() => server.frames.length === 1);
    server.last.send(
      JSON.stringify({ channel: 'a', event: 'gap', offset: 40 }),
    );
    server.last.send(
      JSON.stringify({ channel: 'zzz', event: 'gap', offset: 1 }),
    );
    server.last.close(1011);
    await server.until(() => server.frames.length >= 3);
    expect(gaps).toEqual(['a']);
    expect(server.frames[2]).toEqual({
      action: 'subscribe',
      channel: 'a',
      offset: 40,
    });
  });

  it('turns an https base URL into wss and adds nothing to it', async () => {
    const urls: string[] = [];
    const protocols: unknown[] = [];
    class RecordingSocket {
      readyState = 0;
      constructor(url: string, protocol?: string | string[]) {
        urls.push(url);
        protocols.push(protocol);
      }
      close() {}
      send() {}
    }
    const client = SignalClient.create({
      identity: tokens('t1'),
      discoveryApi: {
        getBaseUrl: async () => 'https://backstage.example.com/api/signals',
      },
      webSocket: RecordingSocket as unknown as WebSocketConstructor,
    });
    const subscription = client.subscribe('a', () => {});
    await new Promise(resolve => setTimeout(resolve, 0));
    subscription.unsubscribe();
    expect(urls).toEqual(['wss://backstage.example.com/api/signals']);
    expect(protocols).toEqual(['t1']);
  });

  it('leaves no timer behind when closed while connecting, even if the socket never reports its close', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      class SilentSocket {
        readyState = 0;
        close() {}
        send() {}
      }
      const client = SignalClient.create({
        identity: tokens('t1'),
        discoveryApi: { getBaseUrl: async () => server.baseUrl },
        webSocket: SilentSocket as unknown as WebSocketConstructor,
      });
      const subscription = client.subscribe('a', () => {});
      await new Promise(resolve => setImmediate(resolve));
      expect(client.state).toBe('connecting');
      expect(jest.getTimerCount()).toBe(1);
      subscription.unsubscribe();
      expect(client.state).toBe('disconnected');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('abandons a handshake that does not finish in time and retries', async () => {
    // Accepts TCP connections and never answers the upgrade.
    const pending: net.Socket[] = [];
    const silent = net.createServer(socket => pending.push(socket));
    await new Promise<void>(resolve =>
      silent.listen(0, '127.0.0.1', () => resolve()),
    );
    const port = (silent.address() as net.AddressInfo).port;
    const identity = tokens('slow', 'fast');
    let attempt = 0;
    const client = SignalClient.create({
      identity,
      discoveryApi: {
        getBaseUrl: async () =>
          attempt++ === 0
            ? `http://127.0.0.1:${port}/api/signals`
            : server.baseUrl,
      },
      connectTimeout: 200,
      reconnectTimeout: 10,
      webSocket: WebSocket as unknown as WebSocketConstructor,
    });
    subscriptions.push(client.subscribe('a', () => {}));
    try {
      await server.until(() => server.frames.some(f => f.action));
      expect(identity.getCredentials.mock.calls.length).toBeGreaterThan(1);
      expect(new Set(server.tokens)).toEqual(new Set(['fast']));
      expect(client.state).toBe('connected');
    } finally {
      pending.forEach(socket => socket.destroy());
      await new Promise(resolve => silent.close(resolve));
    }
  });

  it('discards an attempt overtaken by unsubscribe and subscribe', async () => {
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    let calls = 0;
    const identity = {
      getCredentials: jest.fn(async () => {
        if (calls++ === 0) {
          await held;
          return { token: 'stale' };
        }
        return { token: 'current' };
      }),
    };
    const client = create(identity as ReturnType<typeof tokens>);
    client.subscribe('a', () => {}).unsubscribe();
    client.subscribe('b', () => {});
    await server.until(() => server.frames.length === 1);
    release();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.tokens).toEqual(['current']);
    expect(server.sockets).toHaveLength(1);
    expect(server.frames).toEqual([
      { action: 'subscribe', channel: 'b', offset: null },
    ]);
  });

  it('spreads reconnect delays with jitter and caps them', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const timeouts = jest.spyOn(globalThis, 'setTimeout');
    server.refuse = 4;
    const client = SignalClient.create({
      identity: tokens('t1'),
      discoveryApi: { getBaseUrl: async () => server.baseUrl },
      reconnectTimeout: 10,
      maxReconnectTimeout: 40,
      webSocket: WebSocket as unknown as WebSocketConstructor,
    });
    subscriptions.push(client.subscribe('a', () => {}));
    await server.until(() => server.frames.length === 1);
    const delays = timeouts.mock.calls
      .map(call => call[1] as number)
      .filter(ms => ms < SignalClient.DEFAULT_CONNECT_TIMEOUT_MS);
    // Half of each ceiling (10, 20, 40, then capped at 40).
    expect(delays).toEqual([5, 10, 20, 20]);
  });
});
