import { TestDatabases } from '@backstage/backend-test-utils';
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
});
