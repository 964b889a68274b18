import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';
import { applyDatabaseMigrations } from './migrations';
import { NotificationWriter } from './NotificationWriter';
import { NotificationsStore } from './NotificationsStore';
import { SnoozeStore } from '../snooze/SnoozeStore';
import { RetentionStore } from '../retention';
import { foldCountChanges } from '../counts';
import { ALICE, BOB } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const COUNTS_MIGRATION = '20261203e_notification_counts.js';
const INBOX_COUNTS_MIGRATION = '20261203f_inbox_counts.js';
const COUNT_CHANGES_MIGRATION = '20261203h_count_changes.js';
const INBOX = { done: false, snoozed: false } as const;
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

/**
 * What the store answers, for all of the user's rows and for the inbox
 * (not done, not snoozed), against the rows and broadcasts counted one by
 * one with plain SQL.
 */
async function expectExactCounts(knex: Knex, user: string) {
  const store = new NotificationsStore(knex);
  const counted = async (inbox: boolean, read?: boolean) => {
    const own = knex('notification').where('user', user);
    const broadcasts = knex('broadcast').leftJoin(
      'broadcast_user_status',
      join =>
        join
          .on('broadcast_user_status.broadcast_id', '=', 'broadcast.id')
          .andOn('broadcast_user_status.user', '=', knex.raw('?', [user])),
    );
    for (const [query, state] of [
      [own, 'notification'],
      [broadcasts, 'broadcast_user_status'],
    ] as const) {
      if (read !== undefined) {
        query[read ? 'whereNotNull' : 'whereNull'](`${state}.read`);
      }
      if (inbox) {
        query.whereNull(`${state}.done`).whereNull(`${state}.snoozed_until`);
      }
    }
    const [[ownRows], [broadcastRows]] = await Promise.all([
      own.count({ count: '*' }),
      broadcasts.count({ count: '*' }),
    ]);
    return Number(ownRows.count) + Number(broadcastRows.count);
  };
  for (const inbox of [false, true]) {
    const state = inbox ? INBOX : {};
    const totalCount = async (read?: boolean) =>
      (
        await store.list(user, {
          ...state,
          read,
          limit: 0,
          minimumSeverity: 'low',
        })
      ).totalCount;
    expect({
      inbox,
      all: await totalCount(),
      unread: await totalCount(false),
      read: await totalCount(true),
      status: await store.status(user, state),
    }).toEqual({
      inbox,
      all: await counted(inbox),
      unread: await counted(inbox, false),
      read: await counted(inbox, true),
      status: {
        unread: await counted(inbox, false),
        read: await counted(inbox, true),
      },
    });
  }
  const client = String(knex.client.config.client);
  if (client === 'pg' || client.includes('sqlite')) {
    // The triggers' own bookkeeping, which the store trusts for these views;
    // PostgreSQL's triggers append changes, which the store added up above
    // and which folding must not change.
    if (client === 'pg') {
      await foldCountChanges(knex);
      expect(await knex('notification_user_count_change').count()).toEqual([
        { count: '0' },
      ]);
    }
    const row = await knex('notification_user_count')
      .where('user', user)
      .first('total', 'unread', 'inbox_total', 'inbox_unread');
    const ownRows = async (inbox: boolean, unread: boolean) => {
      const query = knex('notification').where('user', user);
      if (unread) {
        query.whereNull('read');
      }
      if (inbox) {
        query.whereNull('done').whereNull('snoozed_until');
      }
      const [{ count }] = await query.count({ count: '*' });
      return Number(count);
    };
    expect({
      total: Number(row?.total ?? 0),
      unread: Number(row?.unread ?? 0),
      inbox_total: Number(row?.inbox_total ?? 0),
      inbox_unread: Number(row?.inbox_unread ?? 0),
    }).toEqual({
      total: await ownRows(false, false),
      unread: await ownRows(false, true),
      inbox_total: await ownRows(true, false),
      inbox_unread: await ownRows(true, true),
    });
  }
}

async function expectExactCountsAfterMigrating(knex: Knex) {
  await applyDatabaseMigrations(knex);
  await expectExactCounts(knex, ALICE);
  await expectExactCounts(knex, BOB);
}

describeEachDatabase('per-user counts', database => {
  it('count rows that were there before the migration', async () => {
    const knex = await database.migrated();
    for (const name of [
      COUNT_CHANGES_MIGRATION,
      INBOX_COUNTS_MIGRATION,
      COUNTS_MIGRATION,
    ]) {
      await knex.migrate.down({ ...migrations, name });
    }
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
    const knex = await database.migrated();
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

  it('follow done, undone, snooze, wake, retention and broadcast states', async () => {
    const knex = await database.migrated();
    const store = new NotificationsStore(knex);
    const users = [ALICE, BOB];
    const expectAllExact = async () => {
      for (const user of users) {
        await expectExactCounts(knex, user);
      }
    };
    const old = new Date('2020-01-01T00:00:00.000Z');
    await knex('notification').insert([
      ...rawRows(ALICE, 20, 3),
      ...rawRows(BOB, 6, 2),
      ...rawRows(ALICE, 4, 2).map(row => ({ ...row, updated: old })),
    ]);
    const broadcastIds = [randomUUID(), randomUUID()];
    await knex('broadcast').insert(
      broadcastIds.map((id, i) => ({
        id,
        title: `b${i}`,
        severity: 'normal',
        origin: 'plugin:tool',
        created: new Date(),
      })),
    );
    await expectAllExact();
    const ids: string[] = await knex('notification')
      .where('user', ALICE)
      .orderBy('title')
      .pluck('id');

    await store.updateState(ALICE, ids.slice(0, 8), { done: true });
    await store.updateState(ALICE, [...ids.slice(4, 6), ...broadcastIds], {
      read: true,
      done: true,
    });
    await expectAllExact();
    await store.updateState(ALICE, ids.slice(0, 4), { done: false });
    await store.updateState(ALICE, broadcastIds.slice(0, 1), {
      done: false,
    });
    await expectAllExact();

    const inAnHour = new Date(Date.now() + 3_600_000);
    await store.updateState(ALICE, ids.slice(2, 12), {
      snoozedUntil: inAnHour,
    });
    await store.updateState(ALICE, broadcastIds, { snoozedUntil: inAnHour });
    await expectAllExact();
    await store.updateState(ALICE, ids.slice(2, 4), { snoozedUntil: null });
    await expectAllExact();

    // A snooze whose time has come stays out of the inbox, in the list
    // and in the counts alike, until the wake task clears it.
    await store.updateState(ALICE, ids.slice(4, 12), { read: true });
    await knex('notification')
      .whereIn('id', ids.slice(4, 8))
      .update({ snoozed_until: new Date(Date.now() - 1000) });
    await expectAllExact();
    const listed = await store.list(ALICE, { ...INBOX });
    expect(listed.notifications).toHaveLength(listed.totalCount);
    expect(
      listed.notifications.filter(n => ids.slice(4, 8).includes(n.id)),
    ).toEqual([]);
    expect(
      await new SnoozeStore(knex).endDueSnoozes(
        new Date(Date.now() + 7_200_000),
        500,
      ),
    ).toHaveLength(8 + broadcastIds.length);
    await expectAllExact();
    expect(
      (await store.list(ALICE, { ...INBOX })).notifications.map(n => n.id),
    ).toEqual(expect.arrayContaining(ids.slice(4, 12)));

    await store.updateState(ALICE, ids.slice(10, 16), { done: true });
    await knex('notification').whereIn('id', ids.slice(14, 18)).del();
    await new RetentionStore(knex).deleteExpired(
      new Date('2021-01-01T00:00:00.000Z'),
    );
    expect(await knex('notification').where('updated', old)).toEqual([]);
    await knex('notification')
      .whereIn('id', ids.slice(18, 20))
      .update({ user: BOB, done: new Date() });
    await expectAllExact();
  });

  it('count an inbox that was there before its migration', async () => {
    const knex = await database.migrated();
    for (const name of [COUNT_CHANGES_MIGRATION, INBOX_COUNTS_MIGRATION]) {
      await knex.migrate.down({ ...migrations, name });
    }
    await knex('notification').insert(
      rawRows(ALICE, 12, 2).map((row, i) => ({
        ...row,
        done: i % 3 === 0 ? new Date() : null,
        snoozed_until: i % 4 === 1 ? new Date(Date.now() + 60_000) : null,
      })),
    );
    await expectExactCountsAfterMigrating(knex);
    expect(await new NotificationsStore(knex).status(ALICE, INBOX)).toEqual({
      unread: 2,
      read: 4,
    });
    for (const name of [COUNT_CHANGES_MIGRATION, INBOX_COUNTS_MIGRATION]) {
      await knex.migrate.down({ ...migrations, name });
    }
    // The earlier counts, rebuilt by the way down, still follow writes.
    await knex('notification').insert(rawRows(ALICE, 3, 1));
    await expectExactCountsAfterMigrating(knex);
  });

  it("answer a page's count with the broadcasts' in one statement", async () => {
    const knex = await database.migrated();
    const store = new NotificationsStore(knex);
    const writer = new NotificationWriter();
    await knex('notification').insert(rawRows(ALICE, 12, 4));
    for (const title of ['Maintenance', 'Release']) {
      await knex.transaction(tx =>
        writer.storeBroadcast(tx, {
          id: randomUUID(),
          origin: 'plugin:test',
          now: new Date(),
          content: { title, severity: 'normal' },
        }),
      );
    }
    const statements: string[] = [];
    const collect = (query: { sql: string }) => statements.push(query.sql);
    const list = async (user: string, offset = 0) => {
      statements.length = 0;
      knex.on('query', collect);
      try {
        const page = await store.list(user, { limit: 5, offset, read: false });
        // Alice's rows share one time, so which of them are on it varies.
        return {
          totalCount: page.totalCount,
          titles: page.notifications
            .map(n => (n.user ? 'own' : n.payload.title))
            .sort(),
        };
      } finally {
        knex.off('query', collect);
      }
    };

    // The page, and its count: MySQL/MariaDB have no counts and count both
    // sides' rows in one statement.
    const statementsPerList = 2;
    const countedRows = database.id === 'MYSQL_8';
    expect(await list(ALICE)).toEqual({
      totalCount: 9 + 2,
      titles: ['Maintenance', 'Release', 'own', 'own', 'own'],
    });
    expect(statements).toHaveLength(statementsPerList);
    // A user without a row of counts still gets the broadcasts.
    expect(await list(BOB)).toEqual({
      totalCount: 2,
      titles: ['Maintenance', 'Release'],
    });
    expect(statements).toHaveLength(statementsPerList);
    // Past the last page: counted, and no rows.
    expect(await list(ALICE, 20)).toEqual({ totalCount: 11, titles: [] });
    expect(statements).toHaveLength(statementsPerList);
    expect(
      statements.some(sql => sql.includes('notification_user_count')),
    ).toBe(!countedRows);
  });

  it('leave filtered counts to the rows', async () => {
    const knex = await database.migrated();
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
});
