import { Client } from 'pg';
import WebSocket from 'ws';
import { deleteKeys, uniqueKeyPrefix } from '../src/__testUtils__/redis';
import { closeSockets, pingAll } from './fanout';
import { Replica, startReplica } from './replica';

/**
 * Sustained load on the signals hub and bus: `BENCH_SOCKETS` real `ws`
 * clients (one user each), `BENCH_RATE` publishes a second for
 * `BENCH_DURATION_S` seconds, each to 10–100 random users with a per-user
 * part like a notification send, on every bus in `BENCH_BUSES`. The
 * PostgreSQL and Redis buses run `BENCH_REPLICAS` replicas, sockets and
 * publishes spread over them: PostgreSQL on a scratch database of
 * `BENCH_POSTGRES_URL`, Redis at `BENCH_REDIS_URL` under a key prefix of
 * the run's own.
 */
const sockets = Number(process.env.BENCH_SOCKETS ?? 1000);
const rate = Number(process.env.BENCH_RATE ?? 100);
const durationS = Number(process.env.BENCH_DURATION_S ?? 60);
const buses = (process.env.BENCH_BUSES ?? 'memory,postgres').split(',');
const sharedBusReplicas = Number(process.env.BENCH_REPLICAS ?? 1);
const postgresUrl =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** How long after the load stops a missing signal still counts as late, not lost. */
const drainMs = 10_000;
const channel = 'notifications';

type Sent = { recipients: Set<number>; sentAt: number };

type Tally = {
  latenciesMs: number[];
  duplicated: number;
  misrouted: number;
  received: Map<number, Uint8Array>;
};

function pickRecipients(): number[] {
  const count = 10 + Math.floor(Math.random() * 91);
  const picked = new Set<number>();
  while (picked.size < count) {
    picked.add(Math.floor(Math.random() * sockets));
  }
  return [...picked];
}

const userRef = (index: number) => `user:default/u${index}`;
const notificationId = (seq: number, user: number) =>
  `${seq.toString(16).padStart(8, '0')}-${user
    .toString(16)
    .padStart(4, '0')}-4000-8000-000000000000`;

async function openClients(
  replicas: Replica[],
  sent: Map<number, Sent>,
  tally: Tally,
) {
  const clients: WebSocket[] = [];
  const batch = 200;
  for (let start = 0; start < sockets; start += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, sockets - start) }, async (_, i) => {
        const user = start + i;
        const url = replicas[user % replicas.length].url;
        const socket = new WebSocket(url, [`user-u${user}`]);
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        socket.on('message', data => {
          const frame = JSON.parse(data.toString());
          const now = Date.now();
          const seq = frame.message?.seq as number;
          const publish = sent.get(seq);
          if (
            !publish ||
            !publish.recipients.has(user) ||
            frame.message.notification_id !== notificationId(seq, user)
          ) {
            tally.misrouted++;
            return;
          }
          let seen = tally.received.get(seq);
          if (!seen) {
            seen = new Uint8Array(sockets);
            tally.received.set(seq, seen);
          }
          if (seen[user]) {
            tally.duplicated++;
            return;
          }
          seen[user] = 1;
          tally.latenciesMs.push(now - publish.sentAt);
        });
        socket.send(JSON.stringify({ action: 'subscribe', channel }));
        return socket;
      }),
    );
    clients.push(...opened);
  }
  await pingAll(clients);
  return clients;
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[
    Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))
  ];
}

async function runLoad(replicas: Replica[]) {
  const sent = new Map<number, Sent>();
  const tally: Tally = {
    latenciesMs: [],
    duplicated: 0,
    misrouted: 0,
    received: new Map(),
  };
  const clients = await openClients(replicas, sent, tally);
  await Promise.all(replicas.map(r => r.call({ type: 'loop', reset: true })));

  let seq = 0;
  let expected = 0;
  let failed = 0;
  /** Publishes signal `current` without waiting; returns its recipient count. */
  const publish = (current: number) => {
    const recipients = pickRecipients();
    sent.set(current, { recipients: new Set(recipients), sentAt: Date.now() });
    const perRecipient = Object.fromEntries(
      recipients.map(user => [
        userRef(user),
        { notification_id: notificationId(current, user) },
      ]),
    );
    replicas[current % replicas.length]
      .call({
        type: 'publish',
        signal: {
          recipients: { type: 'user', entityRef: recipients.map(userRef) },
          channel,
          message: {
            action: 'new_notification',
            seq: current,
            notification: {
              origin: 'plugin:bench',
              payload: { title: `Load ${current}`, severity: 'normal' },
            },
          },
          perRecipient,
        },
      })
      .then(answer => {
        if (answer.error) {
          failed++;
        }
      });
    return recipients.length;
  };
  const started = Date.now();
  await new Promise<void>(resolve => {
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed >= durationS * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((elapsed / 1000) * rate);
      while (seq < due) {
        expected += publish(++seq);
      }
    }, 5);
  });

  const countReceived = () => tally.latenciesMs.length;
  const drainUntil = Date.now() + drainMs;
  while (countReceived() < expected && Date.now() < drainUntil) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  const loops = await Promise.all(replicas.map(r => r.call({ type: 'loop' })));
  await closeSockets(clients);
  const sorted = Float64Array.from(tally.latenciesMs).sort();
  const values = Array.from(sorted);
  return {
    publishes: seq,
    publishesPerSecond: Math.round((seq / durationS) * 10) / 10,
    failedPublishes: failed,
    expectedDeliveries: expected,
    delivered: countReceived(),
    lost: expected - countReceived(),
    duplicated: tally.duplicated,
    misrouted: tally.misrouted,
    latencyMs: {
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      p99: percentile(values, 99),
      max: values[values.length - 1],
    },
    eventLoopDelayMs: loops.map(loop => ({
      max: Math.round(loop.maxMs * 10) / 10,
      p99: Math.round(loop.p99Ms * 10) / 10,
    })),
  };
}

async function withScratchDatabase<T>(run: (url: string) => Promise<T>) {
  const name = `signals_bench_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * Starts `count` replicas with `env`, one at a time so that the first runs
 * the bus migrations alone, runs the load across them and stops them.
 */
async function loadReplicas(
  bus: string,
  count: number,
  env: Record<string, string>,
) {
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < count; i++) {
      replicas.push(await startReplica(env));
    }
    return { bus, replicas: replicas.length, ...(await runLoad(replicas)) };
  } finally {
    await Promise.all(replicas.map(replica => replica.stop()));
  }
}

async function benchBus(bus: string) {
  if (bus === 'memory') {
    return loadReplicas(bus, 1, { BENCH_BUS: 'memory' });
  }
  if (bus === 'redis') {
    const keyPrefix = uniqueKeyPrefix();
    try {
      return await loadReplicas(bus, sharedBusReplicas, {
        BENCH_BUS: 'redis',
        BENCH_REDIS_URL: redisUrl,
        BENCH_REDIS_PREFIX: keyPrefix,
      });
    } finally {
      await deleteKeys(redisUrl, keyPrefix);
    }
  }
  return withScratchDatabase(url =>
    loadReplicas(bus, sharedBusReplicas, {
      BENCH_BUS: 'postgres',
      BENCH_DATABASE_URL: url,
    }),
  );
}

async function main() {
  const results = [];
  for (const bus of buses) {
    results.push(await benchBus(bus));
  }
  process.stdout.write(
    `${JSON.stringify({ sockets, rate, durationS, results }, null, 2)}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
