import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectToDatabase } from './migrations';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('connectToDatabase on SQLite', () => {
  it('lets timers run while a backlog of queries drains', async () => {
    const base = await databases.init('SQLITE_3');
    const knex = await connectToDatabase({
      getClient: async () => base,
      migrations: { skip: false },
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksWhenDrained = -1;
    try {
      await Promise.all(
        Array.from({ length: 2000 }, () =>
          knex('notification').count({ count: '*' }),
        ),
      );
      ticksWhenDrained = ticks;
    } finally {
      clearInterval(timer);
    }
    // Without a yield between queries the whole backlog runs in one turn of
    // the event loop and the timer never fires.
    expect(ticksWhenDrained).toBeGreaterThan(0);
  });

  it('checkpoints a database file outside the connection that writes', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-wal-'));
    const filename = path.join(directory, 'notifications.sqlite');
    const knex = await connectToDatabase({
      getClient: async () =>
        knexFactory({
          client: 'better-sqlite3',
          connection: { filename },
          useNullAsDefault: true,
        }),
      migrations: { skip: true },
    });
    try {
      const [{ wal_autocheckpoint: ownCheckpoints }] = await knex.raw(
        'PRAGMA wal_autocheckpoint',
      );
      expect(ownCheckpoints).toBe(0);
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
    } finally {
      await knex.destroy();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
