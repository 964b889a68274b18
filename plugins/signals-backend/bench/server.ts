import { monitorEventLoopDelay } from 'perf_hooks';
import knexFactory from 'knex';
import { startSignalsBackend } from '../src/__testUtils__/harness';

/**
 * Runs the Herald signals backend in its own process for the benchmarks,
 * publishing and reporting memory and event-loop delay on request over IPC.
 * `BENCH_BUS` picks the bus (in-memory by default); the PostgreSQL bus uses
 * the database `BENCH_DATABASE_URL` points at, the Redis bus the Redis at
 * `BENCH_REDIS_URL` under the key prefix `BENCH_REDIS_PREFIX`.
 */
async function main() {
  const bus = process.env.BENCH_BUS ?? 'memory';
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const knex = databaseUrl
    ? knexFactory({ client: 'pg', connection: databaseUrl })
    : undefined;
  const server = await startSignalsBackend({
    knex,
    config: {
      signals: {
        bus,
        redis: {
          connection: process.env.BENCH_REDIS_URL,
          keyPrefix: process.env.BENCH_REDIS_PREFIX,
        },
      },
    },
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const send = (message: unknown) => process.send!(message);
  process.on('message', async (message: any) => {
    if (message.type === 'publish') {
      try {
        await server.signals.publish(message.signal);
        send({ id: message.id });
      } catch (error) {
        send({ id: message.id, error: String(error) });
      }
    } else if (message.type === 'memory') {
      global.gc?.();
      send({ id: message.id, usage: process.memoryUsage() });
    } else if (message.type === 'loop') {
      if (message.reset) {
        loop.reset();
      }
      send({
        id: message.id,
        maxMs: loop.max / 1e6,
        p99Ms: loop.percentile(99) / 1e6,
      });
    } else if (message.type === 'stop') {
      await server.backend.stop();
      await knex?.destroy();
      process.exit(0);
    }
  });
  send({ type: 'ready', url: server.url });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
