import {
  SchedulerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { Client } from 'pg';
import { PostgresSignalBus } from '../src/bus/PostgresSignalBus';
import { RedisSignalBus } from '../src/bus/RedisSignalBus';
import { SignalBus } from '../src/bus/types';
import { deleteKeys, uniqueKeyPrefix } from '../src/__testUtils__/redis';
import { silentLogger } from '../src/__testUtils__/silentLogger';

/**
 * Publish throughput of the shared buses: `BENCH_REPLICAS` bus instances in
 * this process, each with `BENCH_SENDERS` concurrent senders (a list, one
 * round per value) publishing one after another on the `notifications`
 * channel for `BENCH_DURATION_S` seconds. Prints acknowledged publishes a
 * second and publish-call latency, and checks that the last instance got
 * every signal once.
 */
const replicas = Number(process.env.BENCH_REPLICAS ?? 3);
const senderCounts = (process.env.BENCH_SENDERS ?? '1,10,100')
  .split(',')
  .map(Number);
const durationMs = Number(process.env.BENCH_DURATION_S ?? 5) * 1000;
const buses = (process.env.BENCH_BUSES ?? 'postgres,redis').split(',');
const postgresUrl =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Log cleanup is not what is measured here.
const noScheduler = {
  scheduleTask: async () => {},
} as unknown as SchedulerService;

/** About the size of a notification signal for one recipient. */
const message = {
  action: 'new_notification',
  notification: {
    id: '00000000-0000-4000-8000-000000000000',
    user: 'user:default/someone',
    created: new Date().toISOString(),
    origin: 'plugin:catalog',
    payload: { title: 'Build finished', description: 'x'.repeat(120) },
  },
};

async function round(instances: SignalBus[], senders: number) {
  const latencies: number[] = [];
  let failed = 0;
  const end = Date.now() + durationMs;
  const started = Date.now();
  await Promise.all(
    instances.flatMap(bus =>
      Array.from({ length: senders }, async () => {
        while (Date.now() < end) {
          const sentAt = performance.now();
          try {
            await bus.publish({
              recipients: { type: 'user', entityRef: 'user:default/someone' },
              channel: 'notifications',
              message,
            });
            latencies.push(performance.now() - sentAt);
          } catch {
            failed++;
          }
        }
      }),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(
      latencies[
        Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))
      ] * 10,
    ) / 10;
  return {
    sendersPerReplica: senders,
    publishes: latencies.length,
    publishesPerSecond: Math.round(latencies.length / seconds),
    failed,
    publishMs: { p50: at(50), p99: at(99) },
  };
}

async function withInstances<T>(
  bus: string,
  run: (instances: SignalBus[]) => Promise<T>,
): Promise<T> {
  if (bus === 'redis') {
    const keyPrefix = uniqueKeyPrefix();
    const instances = Array.from(
      { length: replicas },
      () =>
        new RedisSignalBus({
          connection: redisUrl,
          keyPrefix,
          retentionMs: 600_000,
          logger: silentLogger,
        }),
    );
    try {
      return await run(instances);
    } finally {
      await Promise.all(instances.map(instance => instance.stop()));
      await deleteKeys(redisUrl, keyPrefix);
    }
  }
  const name = `signals_bench_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  // One pool per instance, as each replica has its own.
  const knexes: Knex[] = Array.from({ length: replicas }, () =>
    knexFactory({ client: 'pg', connection: url.toString() }),
  );
  try {
    await knexes[0].migrate.latest({
      directory: resolvePackagePath(
        '@herald/plugin-signals-backend',
        'migrations',
      ),
    });
    const instances = knexes.map(
      knex =>
        new PostgresSignalBus({
          knex,
          logger: silentLogger,
          scheduler: noScheduler,
          retentionMs: 600_000,
        }),
    );
    try {
      return await run(instances);
    } finally {
      await Promise.all(instances.map(instance => instance.stop()));
    }
  } finally {
    await Promise.all(knexes.map(knex => knex.destroy()));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main() {
  const results = [];
  for (const bus of buses) {
    results.push(
      await withInstances(bus, async instances => {
        const offsets: number[] = [];
        for (const [index, instance] of instances.entries()) {
          const last = index === instances.length - 1;
          await instance.start(
            signal => {
              if (last) {
                offsets.push(signal.offset);
              }
            },
            () => {},
          );
        }
        const rounds = [];
        for (const senders of senderCounts) {
          rounds.push(await round(instances, senders));
        }
        const published = rounds.reduce((sum, r) => sum + r.publishes, 0);
        // Signals still on their way to the last instance.
        const deadline = Date.now() + 10_000;
        while (offsets.length < published && Date.now() < deadline) {
          await new Promise(resolve => setTimeout(resolve, 100));
        }
        return {
          bus,
          replicas: instances.length,
          rounds,
          lastReplicaReceived: offsets.length,
          lastReplicaInOrder: offsets.every((offset, i) => offset === i + 1),
        };
      }),
    );
  }
  process.stdout.write(`${JSON.stringify({ durationMs, results }, null, 2)}\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
