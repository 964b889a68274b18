import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { findSearchIndexes } from './searchCondition';
import {
  canRunOnWorkerThread,
  runSqliteOnWorkerThread,
} from './sqliteWorkerConnection';

const migrationsDirectory = resolvePackagePath(
  '@herald/plugin-notifications-backend',
  'migrations',
);

/**
 * Brings the schema up to date. Uses knex's default bookkeeping table, the
 * same one upstream uses, so an upstream database continues where it stopped.
 * Then notes which search indexes the database has.
 */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDirectory });
  await findSearchIndexes(knex);
}

/**
 * better-sqlite3 runs every statement synchronously on the thread that opened
 * the connection, and knex's pool for it holds one connection, handing it
 * from one query to the next by resolving a promise. On the event loop, a
 * backlog of queries therefore ran inside a single turn: for seconds no timer
 * fired, no request was read and no signal was written. Even one query at a
 * time, a send's statements and commit cost the main thread about 3 ms,
 * which at 100 sends/s left too little of it for the signals.
 *
 * So for a database file the connection lives on a worker thread (see
 * {@link runSqliteOnWorkerThread}) and the main thread only posts statements
 * and awaits them. An in-memory database cannot move: it belongs to the
 * thread that opened it, and tests and the development setup read and seed
 * theirs through the connection they were handed. There every connection
 * acquisition waits for the next turn of the event loop (`setImmediate`)
 * instead, so other work runs between queries (a transaction keeps its
 * connection throughout).
 *
 * In the default rollback-journal mode every commit also waits for several
 * fsyncs, 10 ms and more on a busy disk, which caps how many commits the one
 * connection can do. With a write-ahead log and `synchronous = NORMAL` a
 * commit is an append; a process crash still loses no committed transaction,
 * only an operating-system crash can lose the last few.
 *
 * `temp_store = MEMORY` keeps statement journals in memory. SQLite opens one
 * for every insert that fires a trigger inside a transaction (each row of a
 * send, through the counts trigger), so it can undo that statement alone,
 * and by default writes it to a temporary file: 20 small writes a row, three
 * quarters of a send's time in the database. Inserting 10,000 rows into a
 * database file took 500 ms with the file and 130 ms without, the same as an
 * in-memory database. A statement journal holds the pages one statement
 * changes. Temporary tables and sorts move into memory too, as large as what
 * a query sorts without an index.
 *
 * `mmap_size` has SQLite read the database file through a memory map
 * instead of copying each page it needs into its own page cache, which holds
 * 2 MB by default. A search reads thousands of pages spread over a large
 * file (each matching text, then the user's row of each): in an inbox bench
 * database of 1.3 million rows (1.5 GB), a search took 61 ms reading pages
 * one system call at a time and 20 ms through the map. The map's pages are
 * the operating system's file cache, shared and reclaimable, not the
 * process's heap. SQLite caps the size at its compile-time maximum (2 GB in
 * the builds of better-sqlite3) and reads beyond it as before; writes still
 * go through the write-ahead log.
 */
const SQLITE_CONNECTION_PRAGMAS = [
  'synchronous = NORMAL',
  'temp_store = MEMORY',
  'mmap_size = 2147418112',
];

async function tuneSqlite(knex: Knex): Promise<void> {
  if (String(knex.client.config.client) !== 'better-sqlite3') {
    return;
  }
  // Kept in the database file, so it holds for every later connection.
  await knex.raw('PRAGMA journal_mode = WAL');
  const settings = knex.client.connectionSettings ?? {};
  const driver = resolveDriver();
  if (driver && canRunOnWorkerThread(settings)) {
    let checkpointHere = false;
    runSqliteOnWorkerThread(knex, {
      driver,
      filename: settings.filename,
      // SQLite keeps these per connection: a connection the pool reopens
      // after a worker failure gets them too.
      pragmas: () => [
        ...SQLITE_CONNECTION_PRAGMAS,
        `wal_autocheckpoint = ${checkpointHere ? 1000 : 0}`,
      ],
    });
    checkpointOffTheWritingConnection(knex, driver, settings.filename, () => {
      checkpointHere = true;
      knex.raw('PRAGMA wal_autocheckpoint = 1000').catch(() => {});
    });
    // Swaps the connection now, so a database that cannot be opened on the
    // worker fails the start-up rather than the first request.
    await knex.raw('select 1');
    return;
  }
  const acquire = knex.client.acquireConnection.bind(knex.client);
  knex.client.acquireConnection = async () => {
    const connection = await acquire();
    await new Promise(resolve => setImmediate(resolve));
    return connection;
  };
  // The pool holds a single connection, so these apply to it.
  for (const pragma of SQLITE_CONNECTION_PRAGMAS) {
    await knex.raw(`PRAGMA ${pragma}`);
  }
}

/** The driver knex itself loads, which the installation provides. */
function resolveDriver(): string | undefined {
  try {
    return require.resolve('better-sqlite3', {
      paths: [require.resolve('knex')],
    });
  } catch {
    return undefined;
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
 * load that was every few sends, and the fsyncs took about two thirds of
 * every commit's time, holding up the one connection. A worker thread with a
 * connection of its own checkpoints instead; a passive checkpoint never
 * blocks the writer. Should that worker fail, `onFailure` lets the writing
 * connection checkpoint itself again, so the log cannot grow without bound.
 */
function checkpointOffTheWritingConnection(
  knex: Knex,
  driver: string,
  filename: string,
  onFailure: () => void,
) {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { driver, filename, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  let stopping = false;
  const checkpointHere = () => {
    if (!stopping) {
      onFailure();
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
  if (database.migrations?.skip) {
    await findSearchIndexes(knex);
  } else {
    await applyDatabaseMigrations(knex);
  }
  return knex;
}
