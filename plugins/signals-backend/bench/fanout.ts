import WebSocket from 'ws';

/** What the fan-out benchmark needs from the backend under test. */
export type FanoutTarget = {
  /** The signals WebSocket URL, e.g. ws://localhost:7007/api/signals. */
  url: string;
  /** A user token for the i-th simulated user, user:default/u<i>. */
  tokenFor(index: number): string | Promise<string>;
  /** Publishes a signal through the backend (any upstream-compatible way). */
  publish(signal: {
    recipients: { type: 'broadcast' } | { type: 'user'; entityRef: string[] };
    channel: string;
    message: Record<string, unknown>;
  }): Promise<void>;
  /** Optional: the backend process's memory after a GC. */
  memory?(): Promise<NodeJS.MemoryUsage>;
};

export type FanoutResult = {
  sockets: number;
  broadcastMs: number[];
  targetedMs: number[];
  targetedRecipients: number;
  idleBytesPerSocket?: { heapUsed: number; rss: number };
};

const channel = 'bench';

async function openSockets(target: FanoutTarget, count: number) {
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
  // A ping answered by every socket means every subscribe was handled.
  await Promise.all(
    sockets.map(
      socket =>
        new Promise<void>(resolve => {
          socket.once('pong', () => resolve());
          socket.ping();
        }),
    ),
  );
  return sockets;
}

/** Publishes once and resolves with the time until `expected` sockets had it. */
async function timeDelivery(
  target: FanoutTarget,
  sockets: WebSocket[],
  expected: number,
  signal: Parameters<FanoutTarget['publish']>[0],
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

/**
 * Broadcast to every socket, then a signal to `targeted` users among them,
 * `rounds` times each, and the backend memory per idle socket when the
 * target can report it.
 */
export async function runFanout(
  target: FanoutTarget,
  options: { sockets?: number; targeted?: number; rounds?: number } = {},
): Promise<FanoutResult> {
  const count = options.sockets ?? 5000;
  const targeted = options.targeted ?? 1000;
  const rounds = options.rounds ?? 5;

  const before = await target.memory?.();
  const sockets = await openSockets(target, count);
  const after = await target.memory?.();

  const broadcastMs: number[] = [];
  const targetedMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    broadcastMs.push(
      await timeDelivery(target, sockets, count, {
        recipients: { type: 'broadcast' },
        channel,
        message: { round },
      }),
    );
    // Spread the recipients across the whole connection set.
    const step = Math.floor(count / targeted);
    const refs = Array.from(
      { length: targeted },
      (_, i) => `user:default/u${i * step}`,
    );
    targetedMs.push(
      await timeDelivery(target, sockets, targeted, {
        recipients: { type: 'user', entityRef: refs },
        channel,
        message: { round },
      }),
    );
  }
  await Promise.all(
    sockets.map(
      socket =>
        new Promise(resolve => {
          socket.once('close', resolve);
          socket.close();
        }),
    ),
  );
  return {
    sockets: count,
    broadcastMs,
    targetedMs,
    targetedRecipients: targeted,
    idleBytesPerSocket:
      before && after
        ? {
            heapUsed: Math.round((after.heapUsed - before.heapUsed) / count),
            rss: Math.round((after.rss - before.rss) / count),
          }
        : undefined,
  };
}
