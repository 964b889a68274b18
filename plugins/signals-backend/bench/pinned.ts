import WebSocket from 'ws';
import { defaultSignalsConfig } from '../src/config';
import { startReplica } from './replica';

/**
 * The heap one user pins on a replica with the default limits: as many
 * sockets as one user may open, each subscribed to as many distinct
 * channels as allowed, with names of the longest allowed length.
 * `BENCH_NAME_LENGTH` tries another length (above the limit, every socket
 * is closed at its first subscribe).
 */
async function main() {
  const sockets = defaultSignalsConfig.maxConnectionsPerUser;
  const perSocket = defaultSignalsConfig.maxSubscriptionsPerConnection;
  const nameLength = Number(
    process.env.BENCH_NAME_LENGTH ?? defaultSignalsConfig.maxChannelNameLength,
  );
  const replica = await startReplica();
  const heap = async () =>
    (await replica.call({ type: 'memory' })).usage.heapUsed as number;
  const before = await heap();
  const clients: WebSocket[] = [];
  for (let s = 0; s < sockets; s++) {
    const socket = new WebSocket(replica.url, ['user-mallory']);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    for (let c = 0; c < perSocket; c++) {
      const prefix = `${s}-${c}-`;
      const channel = prefix + 'x'.repeat(nameLength - prefix.length);
      socket.send(JSON.stringify({ action: 'subscribe', channel }));
    }
    clients.push(socket);
  }
  await Promise.all(
    clients.map(
      socket =>
        new Promise<void>(resolve => {
          if (socket.readyState !== WebSocket.OPEN) {
            resolve();
            return;
          }
          socket.once('pong', () => resolve());
          socket.once('close', () => resolve());
          socket.ping();
        }),
    ),
  );
  const after = await heap();
  const closedByServer = clients.filter(
    socket => socket.readyState !== WebSocket.OPEN,
  ).length;
  process.stdout.write(
    `${JSON.stringify(
      {
        sockets,
        subscriptionsPerSocket: perSocket,
        nameLength,
        closedByServer,
        heapMB: Math.round(((after - before) / 1024 / 1024) * 10) / 10,
      },
      null,
      2,
    )}\n`,
  );
  clients.forEach(socket => socket.terminate());
  await replica.stop();
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
