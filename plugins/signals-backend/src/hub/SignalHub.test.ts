import { mockServices } from '@backstage/backend-test-utils';
import { AddressInfo } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { defaultSignalsConfig } from '../config';
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
