import {
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { SignalsOptions } from '../options';
import { MemorySignalBus } from './MemorySignalBus';
import { PostgresSignalBus } from './PostgresSignalBus';
import { SignalBus } from './types';

function isPostgres(knex: Knex) {
  const client = (knex.client as { config: Knex.Config }).config.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/** Picks the bus for `signals.bus`, migrating the PostgreSQL bus tables. */
export async function createSignalBus(options: {
  mode: SignalsOptions['bus'];
  retentionSeconds: number;
  database: DatabaseService;
  logger: LoggerService;
}): Promise<SignalBus> {
  const { mode, database, logger } = options;
  if (mode === 'memory') {
    return new MemorySignalBus();
  }
  const knex = await database.getClient();
  if (!isPostgres(knex)) {
    if (mode === 'postgres') {
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
  logger.info('Signals are shared between replicas through PostgreSQL');
  return new PostgresSignalBus(knex, logger, options.retentionSeconds);
}
