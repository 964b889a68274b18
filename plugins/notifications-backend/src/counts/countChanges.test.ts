import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { describeOnPostgres } from '../__testUtils__/notificationsTestBackend';
import { ALICE } from '../__testUtils__/fixtures';
import { applyDatabaseMigrations } from '../store/migrations';
import { NotificationsStore } from '../store/NotificationsStore';
import { foldCountChanges } from './scheduleCountFolding';

jest.setTimeout(60_000);

function row(user: string) {
  return {
    id: randomUUID(),
    user,
    title: 'Deploy finished',
    severity: 'normal',
    origin: 'plugin:ci',
    created: new Date(),
  };
}

describeOnPostgres('per-user count changes', init => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await init();
    await applyDatabaseMigrations(knex);
  });

  it('let sends to the same user commit without waiting for each other', async () => {
    await knex('notification').insert(row(ALICE));
    await foldCountChanges(knex);

    const first = await knex.transaction();
    try {
      await first('notification').insert(row(ALICE));
      // Another replica's send to the same user while the first is open:
      // counts updated in place would make it wait for the first commit.
      await knex.transaction(async second => {
        await second.raw(`SET LOCAL lock_timeout = '2s'`);
        await second('notification').insert(row(ALICE));
      });
      await first.commit();
    } catch (error) {
      await first.rollback();
      throw error;
    }

    const store = new NotificationsStore(knex);
    expect(await store.status(ALICE)).toEqual({ unread: 3, read: 0 });
    await foldCountChanges(knex);
    expect(await store.status(ALICE)).toEqual({ unread: 3, read: 0 });
  });

  it('fold while sends go on, counting each change once', async () => {
    let sending = true;
    const sender = async () => {
      for (let i = 0; i < 5; i++) {
        await knex.transaction(trx =>
          trx('notification').insert([row(ALICE), row(ALICE)]),
        );
      }
    };
    const folder = async () => {
      while (sending) {
        await foldCountChanges(knex);
      }
    };
    const folding = folder();
    await Promise.all([sender(), sender(), sender(), sender()]);
    sending = false;
    await folding;
    const store = new NotificationsStore(knex);
    expect(await store.status(ALICE)).toEqual({ unread: 40, read: 0 });
    await foldCountChanges(knex);
    expect(await knex('notification_user_count_change').count()).toEqual([
      { count: '0' },
    ]);
    expect(await store.status(ALICE)).toEqual({ unread: 40, read: 0 });
  });
});
