import WebSocket from 'ws';

/** What the fan-out benchmark needs from the backend under test. */
export type FanoutTarget = {
  /** The signals WebSocket URL, e.g. ws://localhost:7007/api/signals. */
  url: string;
  /** A user token for the i-th simulated user, user:default/u<i>. */
  tokenFor(index: number): string | Promise<string>;
  /** Publishes a signal through the backend (any upstream-compatible way). */
  publish(signal: FanoutSignal): Promise<void>;
  /** The backend process's memory after a GC. */
  memory(): Promise<NodeJS.MemoryUsage>;
};

export type FanoutSignal = {
  recipients: { type: 'broadcast' } | { type: 'user'; entityRef: string[] };
  channel: string;
  message: Record<string, unknown>;
};

/** Backend memory per idle socket, in bytes. */
export type SocketMemory = { heapUsed: number; external: number; rss: number };

const channel = 'bench';

/** Opens `count` sockets, one user each, all subscribed to the bench channel. */
export async function openSockets(target: FanoutTarget, count: number) {
  const sockets: WebSocket[] = [];
  const batch = 250;
  for (let start = 0; start < count; start += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, i) => {
        const token = await target.tokenFor(start + i);
        const socket = new WebSocket(target.url, [token]);
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        socket.send(JSON.stringify({ action: 'subscribe', channel }));
        return socket;
      }),
    );
    sockets.push(...opened);
  }
  await pingAll(sockets);
  return sockets;
}

/** Resolves once every socket has emitted `event` after `start` ran on it. */
function untilEvery(
  sockets: WebSocket[],
  event: 'pong' | 'close',
  start: (socket: WebSocket) => void,
) {
  return Promise.all(
    sockets.map(
      socket =>
        new Promise(resolve => {
          socket.once(event, resolve);
          start(socket);
        }),
    ),
  );
}

/** Resolves once every socket has answered a ping, so every subscribe was handled. */
export function pingAll(sockets: WebSocket[]) {
  return untilEvery(sockets, 'pong', socket => socket.ping());
}

export async function closeSockets(sockets: WebSocket[]) {
  await untilEvery(sockets, 'close', socket => socket.close());
}

/** Publishes once and resolves with the time until `expected` sockets had it. */
async function timeDelivery(
  target: FanoutTarget,
  sockets: WebSocket[],
  expected: number,
  signal: FanoutSignal,
) {
  let received = 0;
  const started = process.hrtime.bigint();
  const done = new Promise<number>(resolve => {
    const onMessage = () => {
      received++;
      if (received === expected) {
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      }
    };
    for (const socket of sockets) {
      socket.once('message', onMessage);
    }
  });
  await target.publish(signal);
  const elapsed = await done;
  for (const socket of sockets) {
    socket.removeAllListeners('message');
  }
  return elapsed;
}

/** Milliseconds until every socket has a broadcast. */
export function timeBroadcast(
  target: FanoutTarget,
  sockets: WebSocket[],
  round: number,
) {
  return timeDelivery(target, sockets, sockets.length, {
    recipients: { type: 'broadcast' },
    channel,
    message: { round },
  });
}

/**
 * Milliseconds until `targeted` users, spread across the whole connection
 * set, have a signal addressed to them.
 */
export function timeTargeted(
  target: FanoutTarget,
  sockets: WebSocket[],
  targeted: number,
  round: number,
) {
  const step = Math.floor(sockets.length / targeted);
  const refs = Array.from(
    { length: targeted },
    (_, i) => `user:default/u${i * step}`,
  );
  return timeDelivery(target, sockets, targeted, {
    recipients: { type: 'user', entityRef: refs },
    channel,
    message: { round },
  });
}

/**
 * Opens `count` sockets and returns them with the backend memory each one
 * holds while idle (the difference of two readings after a GC).
 */
export async function openMeasured(target: FanoutTarget, count: number) {
  const before = await target.memory();
  const sockets = await openSockets(target, count);
  const after = await target.memory();
  const perSocket = (key: keyof SocketMemory) =>
    Math.round((after[key] - before[key]) / count);
  const memory: SocketMemory = {
    heapUsed: perSocket('heapUsed'),
    external: perSocket('external'),
    rss: perSocket('rss'),
  };
  return { sockets, memory };
}
