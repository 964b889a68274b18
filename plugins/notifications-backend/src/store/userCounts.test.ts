import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/notificationsTestBackend';
import { applyDatabaseMigrations } from './migrations';
import { NotificationWriter } from './NotificationWriter';
import { NotificationsStore } from './NotificationsStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const COUNTS_MIGRATION = '20261203e_notification_counts.js';
const migrations = {
  directory: resolvePackagePath(
    '@herald/plugin-notifications-backend',
    'migrations',
  ),
};

/** Rows as upstream-era tooling writes them: plain inserts, no store. */
function rawRows(user: string, count: number, readEvery: number) {
  const created = new Date('2026-01-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    user,
    title: `n${i}`,
    severity: 'normal',
    origin: 'plugin:tool',
    created,
    read: i % readEvery === 0 ? created : null,
  }));
}

/** What the store answers, against the rows counted one by one. */
async function expectExactCounts(knex: Knex, user: string) {
  const store = new NotificationsStore(knex);
  const counted = async (read?: boolean) => {
    const query = knex('notification').where('user', user);
    if (read !== undefined) {
      query[read ? 'whereNotNull' : 'whereNull']('read');
    }
    const [{ count }] = await query.count({ count: '*' });
    return Number(count);
  };
  const totalCount = async (read?: boolean) =>
    (await store.list(user, { read, limit: 0, minimumSeverity: 'low' }))
      .totalCount;
  const client = String(knex.client.config.client);
  if (client === 'pg' || client.includes('sqlite')) {
    // The triggers' own bookkeeping, which the store trusts for these views.
    const row = await knex('notification_user_count')
      .where('user', user)
      .first('total', 'unread');
    expect({
      total: Number(row?.total ?? 0),
      unread: Number(row?.unread ?? 0),
    }).toEqual({ total: await counted(), unread: await counted(false) });
  }
  expect({
    all: await totalCount(),
    unread: await totalCount(false),
    read: await totalCount(true),
    status: await store.status(user),
  }).toEqual({
    all: await counted(),
    unread: await counted(false),
    read: await counted(true),
    status: { unread: await counted(false), read: await counted(true) },
  });
}

describe.each(databases.eachSupportedId())(
  'per-user counts on %p',
  databaseId => {
    it('count rows that were there before the migration', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await knex.migrate.down({ ...migrations, name: COUNTS_MIGRATION });
      await knex('notification').insert(rawRows(ALICE, 30, 3));
      await applyDatabaseMigrations(knex);

      expect(await new NotificationsStore(knex).status(ALICE)).toEqual({
        unread: 20,
        read: 10,
      });
      await expectExactCounts(knex, ALICE);
      await expectExactCounts(knex, BOB);
    });

    it('follow every writer: the store, plain SQL, read changes, deletes and moves', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const store = new NotificationsStore(knex);

      await knex('notification').insert(rawRows(ALICE, 40, 4));
      await knex('notification').insert(rawRows(BOB, 10, 2));
      await knex.transaction(tx =>
        new NotificationWriter().storeUserNotifications(tx, {
          origin: 'plugin:test',
          now: new Date(),
          drafts: [ALICE, BOB, 'user:default/carol'].map(user => ({
            id: randomUUID(),
            user,
            content: { title: 'Deployed', severity: 'normal', scope: 's' },
          })),
        }),
      );
      for (const user of [ALICE, BOB, 'user:default/carol']) {
        await expectExactCounts(knex, user);
      }

      // A scoped re-send marks the earlier row unread again.
      const aliceIds: string[] = await knex('notification')
        .where('user', ALICE)
        .orderBy('title')
        .pluck('id');
      await store.updateState(ALICE, aliceIds.slice(0, 25), { read: true });
      await store.updateState(ALICE, aliceIds.slice(0, 5), { read: false });
      await store.updateState(ALICE, aliceIds.slice(0, 5), { saved: true });
      await knex.transaction(tx =>
        new NotificationWriter().storeUserNotifications(tx, {
          origin: 'plugin:test',
          now: new Date(),
          drafts: [
            {
              id: randomUUID(),
              user: ALICE,
              content: { title: 'Again', severity: 'high', scope: 's' },
            },
          ],
        }),
      );
      await expectExactCounts(knex, ALICE);

      await knex('notification').whereIn('id', aliceIds.slice(20, 30)).del();
      await knex('notification')
        .whereIn('id', aliceIds.slice(30, 35))
        .update({ user: BOB });
      for (const user of [ALICE, BOB]) {
        await expectExactCounts(knex, user);
      }

      // A transaction that rolls back leaves the counts as they were.
      await expect(
        knex.transaction(async tx => {
          await tx('notification').insert(rawRows(ALICE, 5, 1));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await knex('notification').where('user', BOB).del();
      for (const user of [ALICE, BOB]) {
        await expectExactCounts(knex, user);
      }
    });

    it('leave filtered counts to the rows', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await knex('notification').insert([
        ...rawRows(ALICE, 6, 2),
        { ...rawRows(ALICE, 1, 2)[0], severity: 'critical', topic: 'infra' },
      ]);
      const store = new NotificationsStore(knex);
      const totalCount = async (filter: object) =>
        (await store.list(ALICE, { limit: 0, ...filter })).totalCount;
      expect(await totalCount({ read: false })).toBe(3);
      expect(await totalCount({ minimumSeverity: 'critical' })).toBe(1);
      expect(await totalCount({ topic: 'infra', read: true })).toBe(1);
      expect(await totalCount({ search: 'N1' })).toBe(1);
    });
  },
);
