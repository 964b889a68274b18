import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDirectory = resolvePackagePath(
  '@herald/plugin-notifications-backend',
  'migrations',
);

/**
 * Brings the schema up to date. Uses knex's default bookkeeping table, the
 * same one upstream uses, so an upstream database continues where it stopped.
 */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDirectory });
}

/**
 * better-sqlite3 runs every statement synchronously on the event loop, and
 * knex's pool for it holds one connection, handing it from one query to the
 * next by resolving a promise. Once queries queue up under load, the whole
 * backlog therefore ran inside a single turn of the event loop: for seconds no
 * timer fired, no request was read and no signal was written, and status
 * reads, sends and the Email processor's postProcess all timed out. Waiting
 * for the next turn after each acquisition lets the rest of the backend run
 * between queries (transactions keep their connection throughout).
 *
 * In the default rollback-journal mode every commit also waits for several
 * fsyncs, 10 ms and more on a busy disk, which caps how many commits the one
 * connection can do. With a write-ahead log and `synchronous = NORMAL` a
 * commit is an append; a process crash still loses no committed transaction,
 * only an operating-system crash can lose the last few.
 */
async function tuneSqlite(knex: Knex): Promise<void> {
  if (String(knex.client.config.client) !== 'better-sqlite3') {
    return;
  }
  const acquire = knex.client.acquireConnection.bind(knex.client);
  knex.client.acquireConnection = async () => {
    const connection = await acquire();
    await new Promise(resolve => setImmediate(resolve));
    return connection;
  };
  // The pool holds a single connection, so both settings apply to it.
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
}

export async function connectToDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const knex = await database.getClient();
  await tuneSqlite(knex);
  if (!database.migrations?.skip) {
    await applyDatabaseMigrations(knex);
  }
  return knex;
}
