import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { describeOnPostgres } from '../__testUtils__/notificationsTestBackend';
import { connectToDatabase } from './migrations';
import {
  ROWS_PER_STATEMENT,
  insertRows,
  pgInsertRows,
  pgRunAsOneStatement,
  runWritesTogether,
} from './sql';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const COLUMNS = [
  { name: 'id', pgType: 'text' },
  { name: 'send', pgType: 'text' },
  { name: 'at', pgType: 'bigint' },
];

async function setUp(databaseId: string) {
  return withWrittenTable(await databases.init(databaseId as 'SQLITE_3'));
}

async function withWrittenTable(base: Knex) {
  const knex = await connectToDatabase({
    getClient: async () => base,
    migrations: { skip: true },
  });
  await knex.schema.createTable('written', table => {
    table.string('id', 36).primary();
    table.string('send', 36).notNullable();
    table.bigInteger('at').nullable();
  });
  return knex;
}

const rowsOf = (send: string, count: number) =>
  Array.from({ length: count }, (_, i) => [
    `${send}-${i}`,
    send,
    i % 2 ? i : null,
  ]);

async function countBySend(knex: Knex): Promise<Record<string, number>> {
  const rows: Array<{ send: string }> = await knex('written').select('send');
  const counts: Record<string, number> = {};
  for (const { send } of rows) {
    counts[send] = (counts[send] ?? 0) + 1;
  }
  return counts;
}

describe.each(databases.eachSupportedId())('insertRows on %s', id => {
  it('writes every row and value, beyond one statement of rows', async () => {
    const knex = await setUp(id);
    const count = ROWS_PER_STATEMENT * 2 + 8;
    await knex.transaction(tx =>
      insertRows(tx, 'written', COLUMNS, rowsOf('big', count)),
    );
    // A second transaction, on SQLite with the statement prepared before.
    await knex.transaction(tx =>
      insertRows(tx, 'written', COLUMNS, rowsOf('small', 2)),
    );
    expect(await countBySend(knex)).toEqual({ big: count, small: 2 });
    const rows = await knex('written')
      .whereIn('id', ['big-0', 'big-1', `big-${count - 1}`])
      .orderBy('id');
    expect(
      rows.map(row => [row.id, row.at === null ? null : Number(row.at)]),
    ).toEqual([
      ['big-0', null],
      ['big-1', 1],
      [`big-${count - 1}`, count - 1],
    ]);
  });

  it('writes inside the transaction: a rollback leaves none of the rows', async () => {
    const knex = await setUp(id);
    await expect(
      knex.transaction(async tx => {
        await insertRows(tx, 'written', COLUMNS, rowsOf('undone', 3));
        throw new Error('the send failed');
      }),
    ).rejects.toThrow('the send failed');
    await knex.transaction(tx =>
      insertRows(tx, 'written', COLUMNS, rowsOf('kept', 3)),
    );
    expect(await countBySend(knex)).toEqual({ kept: 3 });
  });
});

describe.each(databases.eachSupportedId())('runWritesTogether on %s', id => {
  const statementRow = (rowId: string) => ({
    sql: 'insert into written (id, send, at) values (?, ?, ?)',
    bindings: [rowId, 'statement', 7],
  });

  it('writes rows and statements', async () => {
    const knex = await setUp(id);
    await runWritesTogether(knex, [
      { table: 'written', columns: COLUMNS, rows: rowsOf('first', 3) },
      { table: 'written', columns: COLUMNS, rows: [] },
      statementRow('s-1'),
      { table: 'written', columns: COLUMNS, rows: rowsOf('second', 2) },
    ]);
    expect(await countBySend(knex)).toEqual({
      first: 3,
      second: 2,
      statement: 1,
    });
    const [row] = await knex('written').where('id', 's-1');
    expect(Number(row.at)).toBe(7);
  });

  it('writes nothing when one write fails', async () => {
    const knex = await setUp(id);
    await expect(
      runWritesTogether(knex, [
        { table: 'written', columns: COLUMNS, rows: rowsOf('undone', 3) },
        statementRow('s-1'),
        // The same id again: the primary key fails the last write.
        statementRow('s-1'),
      ]),
      // Not toThrow: better-sqlite3's errors may come from another realm.
    ).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/unique|duplicate/i),
    );
    expect(await countBySend(knex)).toEqual({});
    await runWritesTogether(knex, [statementRow('s-2')]);
    expect(await countBySend(knex)).toEqual({ statement: 1 });
  });
});

describe('pgInsertRows', () => {
  it('binds a column every row shares once, and the others as arrays', () => {
    const { sql, bindings } = pgInsertRows(
      'written',
      COLUMNS,
      rowsOf('shared', 3),
    );
    expect(sql).toBe(
      'INSERT INTO "written" ("id", "send", "at") SELECT bulk.c0, ?::text, bulk.c1 FROM unnest(?::text[], ?::bigint[]) AS bulk(c0, c1)',
    );
    expect(bindings).toEqual([
      'shared',
      ['shared-0', 'shared-1', 'shared-2'],
      [null, 1, null],
    ]);
  });

  it('keeps the first column an array, so one row or none inserts as many', () => {
    expect(pgInsertRows('written', COLUMNS, rowsOf('one', 1)).bindings).toEqual(
      ['one', null, ['one-0']],
    );
    expect(pgInsertRows('written', COLUMNS, []).bindings).toEqual([[], [], []]);
  });
});

describeOnPostgres('pgInsertRows', init => {
  it('stores shared and varying values, nulls and dates included', async () => {
    const knex = await withWrittenTable(await init());
    await knex.schema.alterTable('written', table => {
      table.timestamp('stamped', { useTz: true }).nullable();
    });
    const stamped = new Date('2026-12-06T10:00:00.123Z');
    const columns = [...COLUMNS, { name: 'stamped', pgType: 'timestamptz' }];
    const rows = ['a', 'b'].map(id => [id, 'pair', null, stamped]);
    await pgRunAsOneStatement(knex, [
      pgInsertRows('written', columns, rows),
      pgInsertRows('written', columns, [['c', 'single', 5, null]]),
      pgInsertRows('written', columns, []),
    ]);
    const stored = await knex('written').orderBy('id');
    expect(
      stored.map(row => [
        row.id,
        row.send,
        row.at === null ? null : Number(row.at),
        row.stamped?.toISOString() ?? null,
      ]),
    ).toEqual([
      ['a', 'pair', null, stamped.toISOString()],
      ['b', 'pair', null, stamped.toISOString()],
      ['c', 'single', 5, null],
    ]);
  });
});

describeOnPostgres('pgRunAsOneStatement', init => {
  it('writes every statement in one round trip', async () => {
    const knex = await withWrittenTable(await init());
    const sent: string[] = [];
    knex.on('query', query => sent.push(query.sql));
    await pgRunAsOneStatement(knex, [
      pgInsertRows('written', COLUMNS, rowsOf('first', 3)),
      pgInsertRows('written', COLUMNS, []),
      pgInsertRows('written', COLUMNS, rowsOf('second', 2)),
    ]);
    expect(sent).toHaveLength(1);
    expect(await countBySend(knex)).toEqual({ first: 3, second: 2 });
  });

  it('writes nothing when one statement fails', async () => {
    const knex = await withWrittenTable(await init());
    await expect(
      pgRunAsOneStatement(knex, [
        pgInsertRows('written', COLUMNS, rowsOf('undone', 3)),
        // The same ids again: the primary key fails the second insert.
        pgInsertRows('written', COLUMNS, rowsOf('undone', 1)),
      ]),
    ).rejects.toThrow(/duplicate key/);
    expect(await countBySend(knex)).toEqual({});
  });
});
