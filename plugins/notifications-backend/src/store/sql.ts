import { Knex } from 'knex';
import { SqliteWorkerConnection } from './sqliteWorkerConnection';

/**
 * Values per statement where a database takes one placeholder per value:
 * 500 rows of the widest table stay well below the bind-parameter limits of
 * SQLite (32766), PostgreSQL and MySQL (65535).
 */
export const ROWS_PER_STATEMENT = 500;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

export function isPostgres(knex: Knex): boolean {
  const client = String(knex.client.config.client);
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

export function isBetterSqlite(knex: Knex): boolean {
  return String(knex.client.config.client) === 'better-sqlite3';
}

/** A column of a bulk insert, with its PostgreSQL array element type. */
export type BulkColumn = { name: string; pgType: string };

/** The statement methods of a better-sqlite3 connection this module uses. */
type SqliteConnection = {
  prepare(sql: string): { run(...values: unknown[]): unknown };
};

const preparedStatements = new WeakMap<
  object,
  Map<string, ReturnType<SqliteConnection['prepare']>>
>();

function prepared(connection: SqliteConnection, sql: string) {
  let statements = preparedStatements.get(connection);
  if (!statements) {
    statements = new Map();
    preparedStatements.set(connection, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** What knex binds for these values on SQLite. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) {
    return value.getTime();
  }
  if (typeof value === 'boolean') {
    return Number(value);
  }
  return value ?? null;
}

/** A statement with `?` placeholders, to be run together with others. */
export type Statement = { sql: string; bindings: readonly unknown[] };

/** Rows for one table, values in the order of `columns`. */
export type RowsInsert = {
  table: string;
  columns: readonly BulkColumn[];
  rows: readonly unknown[][];
};

/** One part of a write that commits as a unit: rows to insert, or a statement. */
export type Write = RowsInsert | Statement;

function columnList(columns: readonly BulkColumn[]): string {
  return columns.map(column => `"${column.name}"`).join(', ');
}

/** Whether every row holds the same value (the same object, for dates) at `index`. */
function sharedByAllRows(rows: readonly unknown[][], index: number): boolean {
  const first = rows[0][index] ?? null;
  return rows.every(row => (row[index] ?? null) === first);
}

/**
 * PostgreSQL's cheapest insert of many rows: one array parameter per column
 * that varies from row to row, instead of thousands of scalar parameters for
 * the driver to number and encode, and one scalar parameter for a column
 * every row shares. A send's rows share most columns (its title,
 * description, severity, topic, time, text): sent as arrays, the driver
 * escaped and the server parsed each of them once per row, which took a
 * third of a 10,000-row insert. The first column always goes as an array,
 * since the arrays' length is the number of rows.
 */
export function pgInsertRows(
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly unknown[][],
): Statement {
  const shared = columns.map(
    (_, index) => index > 0 && rows.length > 0 && sharedByAllRows(rows, index),
  );
  const arrayIndexes = columns.flatMap((_, index) =>
    shared[index] ? [] : [index],
  );
  const selected = columns.map((column, index) =>
    shared[index]
      ? `?::${column.pgType}`
      : `bulk.c${arrayIndexes.indexOf(index)}`,
  );
  return {
    sql: `INSERT INTO "${table}" (${columnList(
      columns,
    )}) SELECT ${selected.join(', ')} FROM unnest(${arrayIndexes
      .map(index => `?::${columns[index].pgType}[]`)
      .join(', ')}) AS bulk(${arrayIndexes.map((_, i) => `c${i}`).join(', ')})`,
    // Placeholders in the order they appear: the shared values in the
    // select list, then the arrays. pg sends null elements as NULL.
    bindings: [
      ...columns.flatMap((_, index) =>
        shared[index] ? [rows[0][index] ?? null] : [],
      ),
      ...arrayIndexes.map(index => rows.map(row => row[index])),
    ],
  };
}

/**
 * Runs data-changing statements on PostgreSQL as one statement, each but the
 * last in a `WITH` clause. A statement outside an explicit transaction is one
 * transaction of its own, so they commit or fail together, and the write
 * costs one round trip instead of one per statement plus `BEGIN` and
 * `COMMIT`. Under load that round trip count, not the database's work, is
 * what holds a pooled connection longest: each answer waits for a busy event
 * loop before the next statement goes out. The statements must not depend on
 * each other's effects, which a `WITH` clause does not see.
 */
export async function pgRunAsOneStatement(
  knex: Knex,
  statements: readonly Statement[],
): Promise<void> {
  if (statements.length === 0) {
    return;
  }
  const last = statements[statements.length - 1];
  const ctes = statements
    .slice(0, -1)
    .map((statement, index) => `w${index} AS (${statement.sql})`);
  await knex.raw(
    `${ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : ''}${last.sql}`,
    statements.flatMap(statement => statement.bindings) as Knex.RawBinding[],
  );
}

/**
 * Runs `writes` in order as one unit that commits or fails whole, with the
 * fewest round trips each database allows. Under load a transaction's round
 * trips, not the database's work, are what hold a connection longest: each
 * answer waits for a busy event loop before the next statement goes out.
 *
 * - PostgreSQL: one statement ({@link pgRunAsOneStatement}), so the writes
 *   must not depend on each other's effects.
 * - SQLite on a worker thread: one message, which the worker runs between
 *   its own `BEGIN` and `COMMIT`, so no other query waits on the main
 *   thread while it runs (as they do for a transaction's round trips).
 * - Others: a transaction.
 */
export async function runWritesTogether(
  knex: Knex,
  writes: readonly Write[],
): Promise<void> {
  if (isPostgres(knex)) {
    await pgRunAsOneStatement(knex, writes.map(pgStatement));
    return;
  }
  if (isBetterSqlite(knex)) {
    const connection = await knex.client.acquireConnection();
    try {
      if (connection instanceof SqliteWorkerConnection) {
        await connection.runInTransaction(
          writes.map(write =>
            'table' in write
              ? [
                  sqliteInsert(write.table, write.columns),
                  write.rows.map(sqliteValues),
                ]
              : [write.sql, [sqliteValues(write.bindings)]],
          ),
        );
        return;
      }
    } finally {
      await knex.client.releaseConnection(connection);
    }
  }
  await knex.transaction(tx => runWritesInTransaction(tx, writes));
}

/**
 * Runs `writes` in order inside `tx`: as one statement on PostgreSQL
 * ({@link pgRunAsOneStatement}, so they must not depend on each other's
 * effects), one after the other elsewhere.
 */
export async function runWritesInTransaction(
  tx: Knex.Transaction,
  writes: readonly Write[],
): Promise<void> {
  if (isPostgres(tx)) {
    await pgRunAsOneStatement(tx, writes.map(pgStatement));
    return;
  }
  for (const write of writes) {
    if ('table' in write) {
      await insertRows(tx, write.table, write.columns, write.rows);
    } else {
      await tx.raw(write.sql, write.bindings as Knex.RawBinding[]);
    }
  }
}

function pgStatement(write: Write): Statement {
  return 'table' in write
    ? pgInsertRows(write.table, write.columns, write.rows)
    : write;
}

function sqliteInsert(table: string, columns: readonly BulkColumn[]): string {
  return `INSERT INTO "${table}" (${columnList(columns)}) VALUES (${columns
    .map(() => '?')
    .join(', ')})`;
}

function sqliteValues(values: readonly unknown[]): unknown[] {
  return values.map(sqliteValue);
}

/**
 * Inserts `rows` (values in the order of `columns`) inside `tx`, the way each
 * database takes many rows cheapest:
 *
 * - PostgreSQL: {@link pgInsertRows}.
 * - better-sqlite3: one prepared statement, kept per connection, run once
 *   per row. SQLite compiles every statement knex hands it anew, and a
 *   multi-row statement (or one that reads the rows out of a JSON parameter)
 *   costs several times more per row than re-running a compiled one, all of
 *   it on the event loop.
 * - MySQL and others: multi-row inserts of {@link ROWS_PER_STATEMENT} rows.
 */
export async function insertRows(
  tx: Knex.Transaction,
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly unknown[][],
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  if (isPostgres(tx)) {
    const { sql, bindings } = pgInsertRows(table, columns, rows);
    await tx.raw(sql, bindings as Knex.RawBinding[]);
    return;
  }
  if (isBetterSqlite(tx)) {
    // Inside a transaction knex hands out the transaction's own connection.
    const connection = await tx.client.acquireConnection();
    const sql = sqliteInsert(table, columns);
    if (connection instanceof SqliteWorkerConnection) {
      // One message for all rows instead of one round trip per row.
      await connection.runForEachRow(sql, rows.map(sqliteValues), {
        inTransaction: tx.isTransaction === true,
      });
      return;
    }
    const statement = prepared(connection as SqliteConnection, sql);
    for (const row of rows) {
      statement.run(...sqliteValues(row));
    }
    return;
  }
  for (const rowChunk of chunk(rows, ROWS_PER_STATEMENT)) {
    await tx(table).insert(
      rowChunk.map(row =>
        Object.fromEntries(
          columns.map((column, index) => [column.name, row[index]]),
        ),
      ),
    );
  }
}
