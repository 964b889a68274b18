import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';

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
  // The pool holds a single connection, so these settings apply to it.
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
  const filename = knex.client.connectionSettings?.filename;
  if (typeof filename === 'string' && filename !== ':memory:') {
    await checkpointOffTheEventLoop(knex, filename);
  }
}

/** How often the checkpointer copies the write-ahead log into the database. */
const CHECKPOINT_INTERVAL_MS = 200;

const CHECKPOINTER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
setInterval(() => {
  db.pragma('wal_checkpoint(PASSIVE)');
}, workerData.intervalMs);
`;

/**
 * With `synchronous = NORMAL` a commit only appends to the write-ahead log;
 * the fsyncs come with the checkpoints that copy the log into the database,
 * which SQLite runs inside a commit once the log holds 1,000 pages. Under
 * load that was every few sends, and the fsyncs, waited for on the event
 * loop, took about two thirds of every commit's time and capped the
 * backend's sends. A worker thread with a connection of its own checkpoints
 * instead; a passive checkpoint never blocks the writer. Should the worker
 * fail, the connection goes back to checkpointing itself, so the log cannot
 * grow without bound.
 */
async function checkpointOffTheEventLoop(knex: Knex, filename: string) {
  let driver: string;
  try {
    // The driver knex itself loads, which the installation provides.
    driver = require.resolve('better-sqlite3', {
      paths: [require.resolve('knex')],
    });
  } catch {
    return;
  }
  await knex.raw('PRAGMA wal_autocheckpoint = 0');
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { driver, filename, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  let stopping = false;
  const checkpointHere = () => {
    if (!stopping) {
      knex.raw('PRAGMA wal_autocheckpoint = 1000').catch(() => {});
    }
  };
  worker.on('error', checkpointHere);
  worker.on('exit', checkpointHere);
  const destroy = knex.client.destroy.bind(knex.client);
  knex.client.destroy = async (...args: unknown[]) => {
    stopping = true;
    await worker.terminate();
    return destroy(...args);
  };
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
