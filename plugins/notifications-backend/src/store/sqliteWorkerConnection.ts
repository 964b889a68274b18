import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';

/**
 * Connections knex's pool may hand out at once for a database file. They
 * share one worker and one SQLite connection, so this bounds the queries
 * queued on the worker, not the database's connections.
 */
const CONNECTIONS_PER_WORKER = 16;

/** Statements the worker keeps compiled, most recently used first out last. */
const PREPARED_STATEMENTS_KEPT = 500;

/**
 * The worker owns the one better-sqlite3 connection. Messages arrive in the
 * order knex issues the queries and are answered in that order, so a
 * transaction's statements run on the connection exactly as they would on
 * the main thread. It keeps statements compiled by their SQL text: knex
 * renders a query of the same shape to the same text every time.
 *
 * A message marked "unanswered" (a transaction's BEGIN, a bulk insert inside
 * a transaction) gets no reply, so the main thread need not wake up for it.
 * If one fails, the rest of its transaction is skipped up to the next
 * answered message, which gets the failure as its reply instead of running,
 * and the transaction is rolled back (a ROLLBACK knex sends then has nothing
 * left to do), so a transaction never commits without what it posted.
 *
 * A "transaction" message carries a whole write, which the worker runs
 * between its own BEGIN and COMMIT (rolled back on failure) and answers
 * once.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);

function describe(error) {
  return {
    name: error && error.name,
    message: error && error.message !== undefined ? error.message : String(error),
    code: error && error.code,
  };
}

let db;
try {
  db = new Database(workerData.filename, workerData.options);
  for (const pragma of workerData.pragmas) {
    db.pragma(pragma);
  }
  parentPort.postMessage({ opened: true });
} catch (error) {
  parentPort.postMessage({ error: describe(error) });
}

const statements = new Map();
function prepared(sql) {
  let statement = statements.get(sql);
  if (statement) {
    statements.delete(sql);
  } else {
    statement = db.prepare(sql);
    if (statements.size >= workerData.preparedStatementsKept) {
      statements.delete(statements.keys().next().value);
    }
  }
  statements.set(sql, statement);
  return statement;
}

function hasBlobs(rows) {
  for (const row of rows) {
    for (const key in row) {
      if (Buffer.isBuffer(row[key])) {
        return true;
      }
    }
  }
  return false;
}

let unansweredFailure;
let rolledBackForFailure = false;

parentPort.on('message', ([kind, sql, values, safeIntegers, unanswered]) => {
  if (unansweredFailure !== undefined && kind !== 'close') {
    if (unanswered) {
      return;
    }
    const failure = unansweredFailure;
    unansweredFailure = undefined;
    if (!/^\s*ROLLBACK/i.test(sql)) {
      // The transaction cannot succeed. Ending it here means a COMMIT that
      // is answered with the failure leaves no transaction open behind it.
      if (db.inTransaction) {
        db.exec('ROLLBACK');
        rolledBackForFailure = true;
      }
      parentPort.postMessage({ error: failure });
      return;
    }
  }
  if (rolledBackForFailure) {
    rolledBackForFailure = false;
    if (/^\s*ROLLBACK\s*;?\s*$/i.test(sql) && !db.inTransaction) {
      parentPort.postMessage({ changes: 0, lastInsertRowid: 0 });
      return;
    }
  }
  try {
    if (kind === 'close') {
      db.close();
      parentPort.postMessage({});
      parentPort.close();
      return;
    }
    if (kind === 'pragma') {
      db.pragma(sql);
      parentPort.postMessage({});
      return;
    }
    if (kind === 'transaction') {
      // values: [sql, rows of values][], run in order, committed together.
      db.transaction(() => {
        for (const [operationSql, rows] of values) {
          const statement = prepared(operationSql);
          for (const row of rows) {
            statement.run(row);
          }
        }
      })();
      parentPort.postMessage({});
      return;
    }
    const statement = prepared(sql);
    if (kind === 'eachRow') {
      for (const row of values) {
        statement.run(row);
      }
      if (!unanswered) {
        parentPort.postMessage({});
      }
      return;
    }
    statement.safeIntegers(safeIntegers);
    if (statement.reader) {
      const rows = statement.all(values);
      parentPort.postMessage({ rows, blobs: hasBlobs(rows) });
    } else {
      const { changes, lastInsertRowid } = statement.run(values);
      if (!unanswered) {
        parentPort.postMessage({ changes, lastInsertRowid });
      }
    }
  } catch (error) {
    if (unanswered) {
      unansweredFailure = describe(error);
    } else {
      parentPort.postMessage({ error: describe(error) });
    }
  }
});
`;

type WorkerError = { name?: string; message: string; code?: string };

type WorkerReply = {
  error?: WorkerError;
  rows?: Record<string, unknown>[];
  blobs?: boolean;
  changes?: number;
  lastInsertRowid?: number | bigint;
};

type Waiting = {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
};

function toError(described: WorkerError): Error {
  return Object.assign(new Error(described.message), {
    name: described.name ?? 'Error',
    code: described.code,
  });
}

/** Structured cloning turns Buffers into plain Uint8Arrays. */
function restoreBuffers(rows: Record<string, unknown>[]) {
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
        row[key] = Buffer.from(value.buffer, value.byteOffset, value.length);
      }
    }
  }
}

type SqliteWorkerOptions = {
  /** Path of the better-sqlite3 module the worker loads. */
  driver: string;
  filename: string;
  /** Passed to the better-sqlite3 `Database` constructor. */
  options: { readonly?: boolean; nativeBinding?: string };
  defaultSafeIntegers: boolean;
  /** Run on every new connection, for settings SQLite keeps per connection. */
  pragmas: () => string[];
};

/**
 * A better-sqlite3 connection that lives in a worker thread. The main thread
 * only clones the statement and its values into a message and the result
 * back; SQLite's work, and the file system calls of its commits, happen on
 * the worker.
 *
 * Several {@link SqliteWorkerConnection}s share it, so a query need not wait
 * for the previous one's answer to come back through a busy event loop
 * before it is posted: the worker runs them back to back. Only a transaction
 * needs the worker to itself; while one is open, the others' statements wait
 * on the main thread until its connection goes back to the pool.
 */
class SqliteWorker {
  private readonly worker: Worker;
  private readonly waiting: Waiting[] = [];
  private failure: Error | undefined;
  private transactionOf: SqliteWorkerConnection | undefined;
  private readonly waitingForTransaction: Array<() => void> = [];
  /** Connections handed out on this worker; it closes with the last. */
  connections = 0;

  private constructor(readonly options: SqliteWorkerOptions) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: options.driver,
        filename: options.filename,
        options: options.options,
        pragmas: options.pragmas(),
        preparedStatementsKept: PREPARED_STATEMENTS_KEPT,
      },
    });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.answer(reply));
    this.worker.on('error', error => this.fail(error));
    this.worker.on('exit', code =>
      this.fail(new Error(`SQLite worker thread exited with code ${code}`)),
    );
  }

  static async open(options: SqliteWorkerOptions): Promise<SqliteWorker> {
    const worker = new SqliteWorker(options);
    try {
      await worker.expectReply();
    } catch (error) {
      await worker.worker.terminate();
      throw error;
    }
    return worker;
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  /**
   * Undefined when `connection` may post now; otherwise another
   * connection's transaction is open, and the promise settles when it ends.
   */
  turnOf(connection: SqliteWorkerConnection): Promise<void> | undefined {
    if (
      this.transactionOf === undefined ||
      this.transactionOf === connection ||
      !this.usable
    ) {
      return undefined;
    }
    return new Promise(resolve => this.waitingForTransaction.push(resolve));
  }

  beginTransaction(connection: SqliteWorkerConnection) {
    this.transactionOf = connection;
  }

  endTransaction(connection: SqliteWorkerConnection) {
    if (this.transactionOf === connection) {
      this.noTransaction();
    }
  }

  /** Lets the statements waiting for a transaction to end ask again. */
  private noTransaction() {
    this.transactionOf = undefined;
    for (const wake of this.waitingForTransaction.splice(0)) {
      wake();
    }
  }

  send(message: unknown[]): Promise<WorkerReply> {
    try {
      this.post(message);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.expectReply();
  }

  /** Throws for a value that cannot be cloned; nothing reached the worker. */
  post(message: unknown[]) {
    if (this.failure) {
      throw this.failure;
    }
    this.worker.postMessage(message);
  }

  async close(): Promise<void> {
    if (this.usable) {
      await this.send(['close']).catch(() => {});
    }
    await this.worker.terminate();
  }

  private expectReply(): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this.waiting.length === 0) {
        // Keeps the process alive while the worker owes an answer.
        this.worker.ref();
      }
      this.waiting.push({ resolve, reject });
    }).then(reply => {
      if (reply.error) {
        throw toError(reply.error);
      }
      return reply;
    });
  }

  private answer(reply: WorkerReply) {
    const waiting = this.waiting.shift();
    if (this.waiting.length === 0) {
      this.worker.unref();
    }
    waiting?.resolve(reply);
  }

  private fail(error: Error) {
    this.failure ??= error;
    for (const waiting of this.waiting.splice(0)) {
      waiting.reject(this.failure);
    }
    this.noTransaction();
    this.worker.unref();
  }
}

/**
 * What knex's pool hands out for a database file: one caller's way to the
 * shared {@link SqliteWorker}, which runs the statements of all of them in
 * the order they are posted.
 */
export class SqliteWorkerConnection {
  constructor(private readonly worker: SqliteWorker) {
    worker.connections += 1;
  }

  /** False once the worker has failed; the pool then opens a new one. */
  get usable(): boolean {
    return this.worker.usable;
  }

  async query(
    sql: string,
    values: unknown[],
    safeIntegers: boolean | undefined,
  ): Promise<WorkerReply> {
    await this.turn();
    const reply = await this.worker.send([
      'query',
      sql,
      values,
      safeIntegers ?? this.worker.options.defaultSafeIntegers,
    ]);
    if (reply.blobs && reply.rows) {
      restoreBuffers(reply.rows);
    }
    return reply;
  }

  /**
   * Opens a transaction: its BEGIN is posted without waiting for an answer,
   * and until the connection goes back to the pool ({@link
   * SqliteWorkerConnection.endTransaction}) no other connection posts.
   */
  async beginTransaction(sql: string): Promise<void> {
    await this.turn();
    this.worker.beginTransaction(this);
    this.postInTransaction(sql, []);
  }

  endTransaction(): void {
    this.worker.endTransaction(this);
  }

  /**
   * Posts a statement of a transaction whose result nobody reads, without
   * waiting for it: a failure comes back as the answer to the transaction's
   * next awaited statement, at the latest its COMMIT, which then does not
   * run.
   */
  postInTransaction(sql: string, values: unknown[]): void {
    this.worker.post(['query', sql, values, false, true]);
  }

  /**
   * Runs one statement once per row, all in one message. Inside a
   * transaction it is not awaited (see {@link postInTransaction}).
   */
  async runForEachRow(
    sql: string,
    rows: unknown[][],
    options: { inTransaction: boolean },
  ): Promise<void> {
    if (options.inTransaction) {
      this.worker.post(['eachRow', sql, rows, false, true]);
      return;
    }
    await this.turn();
    await this.worker.send(['eachRow', sql, rows]);
  }

  /**
   * Runs each statement once per row of values, in order, in a transaction
   * of its own on the worker: one message, one answer, and no other
   * connection waits while the main thread gets round to reading it.
   */
  async runInTransaction(
    operations: Array<[sql: string, rows: unknown[][]]>,
  ): Promise<void> {
    await this.turn();
    await this.worker.send(['transaction', undefined, operations]);
  }

  async pragma(setting: string): Promise<void> {
    await this.turn();
    await this.worker.send(['pragma', setting]);
  }

  /** Closes the worker with its last connection. */
  async close(): Promise<void> {
    this.endTransaction();
    this.worker.connections -= 1;
    if (this.worker.connections === 0) {
      await this.worker.close();
    }
  }

  /** Waits while another connection's transaction is open. */
  private async turn(): Promise<void> {
    for (
      let wait = this.worker.turnOf(this);
      wait;
      wait = this.worker.turnOf(this)
    ) {
      await wait;
    }
  }
}

/** What this module uses of knex's better-sqlite3 client class. */
interface BetterSqliteClient {
  connectionSettings?: {
    options?: { readonly?: boolean; nativeBinding?: string };
  };
  _query(connection: unknown, query: QueryObject): Promise<QueryObject>;
  _formatBindings(bindings: unknown[] | undefined): unknown[];
  _optSafeIntegers(options: unknown): boolean | undefined;
  acquireRawConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  destroyRawConnection(connection: unknown): Promise<void>;
  validateConnection(connection: unknown): boolean;
}

type QueryObject = {
  sql?: string;
  bindings?: unknown[];
  options?: unknown;
  response?: unknown;
  context?: { lastID: unknown; changes: unknown };
};

/**
 * Makes `knex`'s better-sqlite3 client keep its connection on a worker
 * thread, shared by up to {@link CONNECTIONS_PER_WORKER} pooled connections.
 * The knex instance stays the one the database service handed out, so
 * everything sharing it (the scheduler too) goes through the worker.
 * A connection the pool opened on the main thread before is replaced the
 * next time the pool hands it out free, so no transaction in flight changes
 * connection halfway.
 */
export function runSqliteOnWorkerThread(
  knex: Knex,
  options: Omit<SqliteWorkerOptions, 'defaultSafeIntegers' | 'options'>,
): void {
  const client = knex.client as unknown as BetterSqliteClient;
  const Base = client.constructor as new () => BetterSqliteClient;

  // A subclass rather than patched methods: knex builds each transaction's
  // client from the prototype of the instance's class.
  let shared: Promise<SqliteWorker> | undefined;
  class WorkerThreadClient extends Base {
    async acquireRawConnection() {
      let worker = shared && (await shared.catch(() => undefined));
      if (!worker?.usable) {
        const settings = this.connectionSettings?.options ?? {};
        shared = SqliteWorker.open({
          ...options,
          options: {
            readonly: Boolean(settings.readonly),
            nativeBinding: settings.nativeBinding,
          },
          defaultSafeIntegers: this._optSafeIntegers(settings) ?? false,
        });
        worker = await shared;
      }
      return new SqliteWorkerConnection(worker);
    }

    validateConnection(connection: unknown) {
      return connection instanceof SqliteWorkerConnection && connection.usable;
    }

    releaseConnection(connection: unknown) {
      // Knex is done with it, its transaction committed or rolled back.
      if (connection instanceof SqliteWorkerConnection) {
        connection.endTransaction();
      }
      return super.releaseConnection(connection);
    }

    async destroyRawConnection(connection: unknown) {
      if (connection instanceof SqliteWorkerConnection) {
        await connection.close();
        return;
      }
      await super.destroyRawConnection(connection);
    }

    async _query(connection: unknown, obj: QueryObject) {
      if (!(connection instanceof SqliteWorkerConnection)) {
        return super._query(connection, obj);
      }
      if (!obj.sql) {
        throw new Error('The query is empty');
      }
      if (transacting(this) && /^BEGIN\b/i.test(obj.sql)) {
        await connection.beginTransaction(obj.sql);
        obj.response = { changes: 0, lastInsertRowid: 0 };
        return obj;
      }
      const reply = await connection.query(
        obj.sql,
        this._formatBindings(obj.bindings),
        this._optSafeIntegers(obj.options),
      );
      if (reply.rows) {
        obj.response = reply.rows;
      } else {
        obj.response = {
          changes: reply.changes,
          lastInsertRowid: reply.lastInsertRowid,
        };
        obj.context = {
          lastID: reply.lastInsertRowid,
          changes: reply.changes,
        };
      }
      return obj;
    }
  }
  Object.setPrototypeOf(client, WorkerThreadClient.prototype);
  const pool = (knex.client as { pool?: { max: number } }).pool;
  if (pool && pool.max < CONNECTIONS_PER_WORKER) {
    // Tarn reads its bound afresh on every acquisition.
    pool.max = CONNECTIONS_PER_WORKER;
  }
}

/** Knex marks the client it builds for each transaction. */
function transacting(client: object): boolean {
  return (client as { transacting?: boolean }).transacting === true;
}

/**
 * Whether the driver can go to a worker with these connection settings: a
 * file (an in-memory database belongs to the thread that opened it, and
 * tests and the development setup rely on seeing theirs), and a native
 * binding given as a path, since a loaded addon cannot be sent to a thread.
 */
export function canRunOnWorkerThread(settings: {
  filename?: unknown;
  options?: { nativeBinding?: unknown };
}): settings is { filename: string } {
  const { filename, options } = settings;
  return (
    typeof filename === 'string' &&
    filename !== '' &&
    filename !== ':memory:' &&
    !filename.startsWith('file::memory:') &&
    (options?.nativeBinding === undefined ||
      typeof options.nativeBinding === 'string')
  );
}
