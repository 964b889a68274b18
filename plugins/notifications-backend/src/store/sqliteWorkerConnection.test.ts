import knexFactory, { Knex } from 'knex';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectToDatabase } from './migrations';
import { insertRows, runWritesTogether } from './sql';
import { SqliteWorkerConnection } from './sqliteWorkerConnection';

function sqliteFileKnex(filename: string): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
  });
}

describe('SQLite on a worker thread', () => {
  let directory: string;
  let filename: string;
  const opened: Knex[] = [];

  async function connect(base = sqliteFileKnex(filename), skip = true) {
    const knex = await connectToDatabase({
      getClient: async () => base,
      migrations: { skip },
    });
    opened.push(knex);
    return knex;
  }

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-sqlite-'));
    filename = path.join(directory, 'notifications.sqlite');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map(knex => knex.destroy()));
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('keeps the connection of a database file on a worker', async () => {
    const knex = await connect();
    const connection = await knex.client.acquireConnection();
    knex.client.releaseConnection(connection);
    expect(connection).toBeInstanceOf(SqliteWorkerConnection);
    const [{ synchronous }] = await knex.raw('PRAGMA synchronous');
    const [{ wal_autocheckpoint: checkpoints }] = await knex.raw(
      'PRAGMA wal_autocheckpoint',
    );
    const [{ temp_store: tempStore }] = await knex.raw('PRAGMA temp_store');
    const [{ mmap_size: mmapSize }] = await knex.raw('PRAGMA mmap_size');
    // NORMAL, the checkpointer thread checkpoints instead, statement
    // journals stay in memory and the file is read through a memory map.
    expect({ synchronous, checkpoints, tempStore, mmapSize }).toEqual({
      synchronous: 1,
      checkpoints: 0,
      tempStore: 2,
      mmapSize: 2147418112,
    });
  });

  it('checkpoints outside the connection that writes', async () => {
    const knex = await connect();
    await knex.schema.createTable('filler', table => table.text('text'));
    const fileSize = () => fs.statSync(filename).size;
    const sizeBefore = fileSize();
    // About 2 MB: with the default of checkpointing at 1,000 pages (4 MB)
    // nothing would reach the database file yet.
    await knex('filler').insert(
      Array.from({ length: 200 }, () => ({ text: 'x'.repeat(10_000) })),
    );
    const deadline = Date.now() + 10_000;
    while (fileSize() < sizeBefore + 2_000_000 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(fileSize()).toBeGreaterThanOrEqual(sizeBefore + 2_000_000);
  });

  it('replaces a connection opened on the main thread before', async () => {
    const base = sqliteFileKnex(filename);
    await base.schema.createTable('early', table => table.integer('n'));
    await base('early').insert({ n: 1 });
    const knex = await connect(base);
    const connection = await knex.client.acquireConnection();
    knex.client.releaseConnection(connection);
    expect(connection).toBeInstanceOf(SqliteWorkerConnection);
    expect(await knex('early').select('n')).toEqual([{ n: 1 }]);
  });

  it('runs the migrations, queries and transactions as before', async () => {
    const knex = await connect(undefined, false);
    await knex.schema.createTable('item', table => {
      table.integer('id').primary();
      table.text('name');
      table.binary('data');
    });
    const [id] = await knex('item').insert({
      id: 7,
      name: 'seven',
      data: Buffer.from([1, 2, 3]),
    });
    expect(id).toBe(7);
    const [row] = await knex('item').where({ id: 7 });
    expect(row.name).toBe('seven');
    expect(Buffer.isBuffer(row.data)).toBe(true);
    expect([...row.data]).toEqual([1, 2, 3]);

    await expect(
      knex.transaction(async tx => {
        await tx('item').insert({ id: 8, name: 'eight' });
        await tx('item').insert({ id: 7, name: 'again' });
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await knex('item').pluck('id')).toEqual([7]);

    await knex.transaction(async tx => {
      await insertRows(
        tx,
        'item',
        [
          { name: 'id', pgType: 'integer' },
          { name: 'name', pgType: 'text' },
        ],
        Array.from({ length: 1000 }, (_, index) => [100 + index, `n${index}`]),
      );
    });
    expect(await knex('item').count({ count: '*' })).toEqual([{ count: 1001 }]);
    expect(await knex('item').where({ id: 1099 }).first('name')).toMatchObject({
      name: 'n999',
    });
    // The upstream schema came through the worker too.
    expect(await knex.schema.hasTable('notification')).toBe(true);
  });

  it('fails the whole transaction when a statement it did not await fails', async () => {
    const knex = await connect();
    await knex.schema.createTable('item', table =>
      table.integer('id').primary(),
    );
    await knex('item').insert({ id: 1 });
    const columns = [{ name: 'id', pgType: 'integer' }];
    // The failing insert is not awaited; its COMMIT reports it and does not run.
    await expect(
      knex.transaction(async tx => {
        await tx('item').insert({ id: 2 });
        await insertRows(tx, 'item', columns, [[3], [1]]);
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    // Or the next statement does, and knex rolls back.
    await expect(
      knex.transaction(async tx => {
        await insertRows(tx, 'item', columns, [[4], [1]]);
        await tx('item').insert({ id: 5 });
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await knex('item').pluck('id')).toEqual([1]);
    // The connection is left with no transaction open.
    await knex.transaction(tx => insertRows(tx, 'item', columns, [[6]]));
    expect(await knex('item').orderBy('id').pluck('id')).toEqual([1, 6]);
  });

  it('hands out several connections on one SQLite connection', async () => {
    const knex = await connect();
    // With one pooled connection the second acquisition would wait forever.
    const [first, second] = await Promise.all([
      knex.client.acquireConnection(),
      knex.client.acquireConnection(),
    ]);
    knex.client.releaseConnection(first);
    knex.client.releaseConnection(second);
    expect(first).not.toBe(second);
    // A temporary table belongs to the SQLite connection that made it.
    await knex.raw('create temp table only_here (n integer)');
    const [{ count }] = await knex('only_here').count({ count: '*' });
    expect(Number(count)).toBe(0);
  });

  it('keeps other queries out of an open transaction', async () => {
    const knex = await connect();
    await knex.schema.createTable('item', table =>
      table.integer('id').primary(),
    );
    const countItems = async () =>
      Number((await knex('item').count({ count: '*' }))[0].count);
    for (const outcome of ['commit', 'rollback'] as const) {
      let finish!: () => void;
      const finished = new Promise<void>(resolve => {
        finish = resolve;
      });
      let inserted!: () => void;
      const insertDone = new Promise<void>(resolve => {
        inserted = resolve;
      });
      const transaction = knex.transaction(async tx => {
        await tx('item').insert({ id: outcome === 'commit' ? 1 : 2 });
        inserted();
        await finished;
        if (outcome === 'rollback') {
          throw new Error('rolled back');
        }
      });
      await insertDone;
      let counted: number | undefined;
      const read = countItems().then(count => {
        counted = count;
      });
      await new Promise(resolve => setTimeout(resolve, 50));
      // Neither inside the transaction nor past it.
      expect(counted).toBeUndefined();
      finish();
      await transaction.catch(() => {});
      await read;
      expect(counted).toBe(1);
    }
  });

  it('lets the next query in while a write runs together', async () => {
    const knex = await connect();
    await knex.schema.createTable('item', table => {
      table.integer('id').primary();
      table.binary('body');
    });
    const columns = [{ name: 'id', pgType: 'integer' }];
    const ids = Array.from({ length: 20000 }, (_, i) => [i + 1]);
    let answered = false;
    const write = runWritesTogether(knex, [
      { table: 'item', columns, rows: ids },
      {
        sql: 'update item set body = ? where id = ?',
        bindings: [Buffer.from('packed answer'), 1],
      },
    ]).then(() => {
      answered = true;
    });
    // The next query gets the connection before the write is answered, and
    // the worker runs it after the write.
    const connection = await knex.client.acquireConnection();
    expect(answered).toBe(false);
    knex.client.releaseConnection(connection);
    const [{ count }] = await knex('item').count({ count: '*' });
    expect(Number(count)).toBe(20000);
    await write;
    const [{ body }] = await knex('item').where('id', 1).select('body');
    expect(Buffer.from(body).toString()).toBe('packed answer');

    // A failing write leaves nothing behind and no transaction open.
    await expect(
      runWritesTogether(knex, [
        { table: 'item', columns, rows: [[20001], [1]] },
      ]),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await knex.transaction(tx => insertRows(tx, 'item', columns, [[20002]]));
    expect(await knex('item').where('id', '>', 20000).pluck('id')).toEqual([
      20002,
    ]);
  });

  it('leaves the event loop free while a statement runs', async () => {
    const knex = await connect();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksWhenDone = -1;
    try {
      await knex.raw(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c ' +
          'WHERE x < 3000000) SELECT count(*) AS n FROM c',
      );
      ticksWhenDone = ticks;
    } finally {
      clearInterval(timer);
    }
    // On the main thread the statement holds the loop and no tick happens.
    expect(ticksWhenDone).toBeGreaterThan(0);
  });

  it('opens a new connection when the worker fails', async () => {
    const knex = await connect();
    await knex.schema.createTable('kept', table => table.integer('n'));
    await knex('kept').insert({ n: 1 });
    const connection = (await knex.client.acquireConnection()) as any;
    knex.client.releaseConnection(connection);
    await connection.worker.worker.terminate();
    expect(connection.usable).toBe(false);
    expect(await knex('kept').pluck('n')).toEqual([1]);
  });

  it('keeps a transaction all or nothing when the process is killed', async () => {
    // The child commits transactions of 500 rows through the worker and is
    // killed at a random point, most likely inside one.
    const batch = 500;
    const child = fork(
      path.join(__dirname, '__fixtures__', 'sqliteWriter.ts'),
      [filename, String(batch)],
      {
        execArgv: [
          '--require',
          // eslint-disable-next-line @backstage/no-undeclared-imports
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        ],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const reported: number[] = [];
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => reject(new Error('writer exited early')));
      child.on('message', (committed: unknown) => {
        // The source transform also reports each module it loads here.
        if (typeof committed !== 'number') {
          return;
        }
        reported.push(committed);
        if (reported.length === 5) {
          setTimeout(() => {
            child.removeAllListeners('exit');
            child.kill('SIGKILL');
            child.on('exit', () => resolve());
          }, Math.random() * 50);
        }
      });
    });
    const knex = sqliteFileKnex(filename);
    opened.push(knex);
    const [{ count }] = await knex('written').count({ count: '*' });
    expect(Number(count) % batch).toBe(0);
    expect(Number(count)).toBeGreaterThanOrEqual(
      reported[reported.length - 1] * batch,
    );
  });
});
