import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { connectToDatabase } from './migrations';
import { insertRows } from './sql';
import { createTransact } from './transactions';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

async function setUp(databaseId: string) {
  const base = await databases.init(databaseId as 'SQLITE_3');
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

const COLUMNS = [
  { name: 'id', pgType: 'text' },
  { name: 'send', pgType: 'text' },
  { name: 'at', pgType: 'bigint' },
];

/** A send's writes: a few rows, then a failure if asked for. */
function writeSend(send: string, options: { fail?: boolean } = {}) {
  return async (tx: Knex.Transaction) => {
    await insertRows(tx, 'written', COLUMNS, [
      [`${send}-1`, send, 1],
      [`${send}-2`, send, null],
    ]);
    await tx('written').insert({ id: `${send}-3`, send, at: 3 });
    if (options.fail) {
      throw new Error(`${send} failed`);
    }
    return send;
  };
}

async function sendsWritten(knex: Knex): Promise<Record<string, number>> {
  const rows: Array<{ send: string }> = await knex('written').select('send');
  const counts: Record<string, number> = {};
  for (const { send } of rows) {
    counts[send] = (counts[send] ?? 0) + 1;
  }
  return counts;
}

describe.each(databases.eachSupportedId())('createTransact on %s', id => {
  it('gives each of many concurrent transactions its own outcome', async () => {
    const knex = await setUp(id);
    const transact = createTransact(knex);
    const sends = Array.from({ length: 40 }, (_, i) => `send-${i}`);
    const outcomes = await Promise.allSettled(
      sends.map((send, i) => transact(writeSend(send, { fail: i % 7 === 3 }))),
    );

    const expected: Record<string, number> = {};
    outcomes.forEach((outcome, i) => {
      if (i % 7 === 3) {
        expect(outcome).toEqual({
          status: 'rejected',
          reason: new Error(`send-${i} failed`),
        });
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: `send-${i}` });
        expected[`send-${i}`] = 3;
      }
    });
    // A failed transaction leaves none of its rows, the others all of theirs.
    expect(await sendsWritten(knex)).toEqual(expected);
    expect(await knex('written').where('id', 'send-0-2').first('at')).toEqual({
      at: null,
    });
  });
});

describe('createTransact on SQLite', () => {
  it('writes waiting transactions in one group and answers after its COMMIT', async () => {
    const knex = await setUp('SQLITE_3');
    const transact = createTransact(knex);
    const log: string[] = [];
    knex.on('query', (query: { sql: string }) => {
      if (/^(begin|commit)/i.test(query.sql)) {
        log.push(query.sql.replace(/;$/, '').toUpperCase());
      }
    });
    await Promise.all(
      ['a', 'b', 'c'].map(send =>
        transact(async tx => {
          log.push(`write ${send}`);
          return writeSend(send)(tx);
        }).then(() => log.push(`answer ${send}`)),
      ),
    );
    expect(log).toEqual([
      'BEGIN',
      'write a',
      'write b',
      'write c',
      'COMMIT',
      'answer a',
      'answer b',
      'answer c',
    ]);
  });

  it('fails the whole group when SQLite ends the transaction itself', async () => {
    const knex = await setUp('SQLITE_3');
    const transact = createTransact(knex);
    const outcomes = await Promise.allSettled([
      transact(writeSend('first')),
      transact(async tx => {
        await writeSend('second')(tx);
        // What SQLite does on a full disk or an I/O error.
        await tx.raw('ROLLBACK');
        throw new Error('disk I/O error');
      }),
      transact(writeSend('third')),
    ]);
    // The first two were in the group SQLite ended; the third, in the next
    // group, commits.
    expect(outcomes.map(outcome => outcome.status)).toEqual([
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(await sendsWritten(knex)).toEqual({ third: 3 });
    // The next transaction starts afresh.
    await transact(writeSend('fourth'));
    expect(await sendsWritten(knex)).toEqual({ third: 3, fourth: 3 });
  });
});
