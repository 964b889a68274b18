import {
  DatabaseService,
  LoggerService,
  SchedulerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { SignalsConfig } from '../config';
import { MemorySignalBus } from './MemorySignalBus';
import { PostgresSignalBus } from './PostgresSignalBus';
import { RedisSignalBus } from './RedisSignalBus';
import { SignalBus } from './types';

function isPostgres(knex: Knex) {
  const client = (knex.client as { config: Knex.Config }).config.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

type SignalBusOptions = {
  config: Pick<SignalsConfig, 'bus' | 'replay' | 'redis'>;
  database: DatabaseService;
  logger: LoggerService;
  scheduler: SchedulerService;
};

/** Picks the bus for `signals.bus`, migrating the PostgreSQL bus tables. */
export async function createSignalBus(
  options: SignalBusOptions,
): Promise<SignalBus> {
  const bus = await chooseSignalBus(options);
  options.logger.info(
    bus.sharedByReplicas
      ? `Signals are shared between replicas through the ${bus.kind} bus`
      : `Signals stay on this replica (${bus.kind} bus)`,
  );
  return bus;
}

async function chooseSignalBus(options: SignalBusOptions): Promise<SignalBus> {
  const { config, database, logger, scheduler } = options;
  if (config.bus === 'memory') {
    return new MemorySignalBus();
  }
  if (config.bus === 'redis') {
    return new RedisSignalBus({
      connection: config.redis.connection!,
      keyPrefix: config.redis.keyPrefix,
      retentionMs: config.replay.retentionMs,
      logger,
    });
  }
  const knex = await database.getClient();
  if (!isPostgres(knex)) {
    if (config.bus === 'postgres') {
      throw new Error(
        'signals.bus is postgres but the signals plugin database is not PostgreSQL',
      );
    }
    return new MemorySignalBus();
  }
  if (!database.migrations?.skip) {
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@herald/plugin-signals-backend',
        'migrations',
      ),
    });
  }
  return new PostgresSignalBus({
    knex,
    logger,
    scheduler,
    retentionMs: config.replay.retentionMs,
  });
}
