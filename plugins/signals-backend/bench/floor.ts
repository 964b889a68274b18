import { WebSocket, WebSocketServer } from 'ws';

/**
 * The fan-out floor: a bare `ws` server in its own process, speaking the
 * same IPC protocol as `server.ts`. It accepts any token, keeps each socket
 * under the user its token names, and sends a publish as one frame built
 * once, to every socket for a broadcast and to the listed users' sockets
 * otherwise: what fan-out costs with no hub in between.
 */
async function main() {
  const byUser = new Map<string, WebSocket[]>();
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    perMessageDeflate: false,
    handleProtocols: protocols => protocols.values().next().value ?? false,
  });
  server.on('connection', socket => {
    const user = `user:default/${socket.protocol.replace(/^user-/, '')}`;
    const sockets = byUser.get(user) ?? [];
    sockets.push(socket);
    byUser.set(user, sockets);
  });
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as { port: number };

  const send = (message: unknown) => process.send!(message);
  process.on('message', (message: any) => {
    if (message.type === 'publish') {
      const { recipients, channel, message: body } = message.signal;
      const frame = Buffer.from(JSON.stringify({ channel, message: body }));
      const targets =
        recipients.type === 'broadcast'
          ? server.clients
          : [recipients.entityRef]
              .flat()
              .flatMap((ref: string) => byUser.get(ref) ?? []);
      for (const socket of targets) {
        socket.send(frame, { binary: false });
      }
      send({ id: message.id });
    } else if (message.type === 'memory') {
      global.gc?.();
      send({ id: message.id, usage: process.memoryUsage() });
    } else if (message.type === 'stop') {
      server.close();
      process.exit(0);
    }
  });
  send({ type: 'ready', url: `ws://127.0.0.1:${port}/api/signals` });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
