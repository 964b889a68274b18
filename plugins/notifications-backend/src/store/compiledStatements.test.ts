import createKnex, { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  describeEachDatabase,
  describeOnPostgres,
} from '../__testUtils__/notificationsTestBackend';
import { ALICE, BOB } from '../__testUtils__/fixtures';
import {
  ListNotificationsOptions,
  NotificationsStore,
} from './NotificationsStore';
import { SHAPES_KEPT } from './compiledStatements';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const PAGE_DEFAULT: ListNotificationsOptions = {
  limit: 5,
  offset: 0,
  orderBy: [{ field: 'created', direction: 'desc' }],
  read: false,
  minimumSeverity: 'low',
};

async function insertRows(
  knex: Knex,
  user: string,
  count: number,
  topic?: string,
) {
  const created = new Date('2026-01-01T00:00:00.000Z');
  await knex('notification').insert(
    Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      user,
      title: `${user} ${i}`,
      severity: 'normal',
      origin: 'plugin:test',
      topic,
      created: new Date(created.getTime() + i * 1000),
    })),
  );
}

/** Counts the query compilers knex makes: one per query builder compiled. */
function countCompilations(knex: Knex) {
  return jest.spyOn(knex.client, 'queryCompiler');
}

describeEachDatabase('CompiledStatements', database => {
  it('compiles a list once per shape and answers each user with their own rows', async () => {
    const knex = await database.migrated();
    await insertRows(knex, ALICE, 7);
    await insertRows(knex, BOB, 3);
    await knex('broadcast').insert({
      id: randomUUID(),
      title: 'to everyone',
      severity: 'normal',
      origin: 'plugin:test',
      created: new Date('2025-01-01T00:00:00.000Z'),
    });
    const store = new NotificationsStore(knex);
    const compilations = countCompilations(knex);

    const alice = await store.list(ALICE, PAGE_DEFAULT);
    expect(compilations).toHaveBeenCalled();
    compilations.mockClear();
    const bob = await store.list(BOB, PAGE_DEFAULT);
    const aliceAgain = await store.list(ALICE, PAGE_DEFAULT);

    expect(compilations).not.toHaveBeenCalled();
    expect(alice.totalCount).toBe(8);
    expect(alice.notifications.map(n => n.payload.title)).toEqual([
      `${ALICE} 6`,
      `${ALICE} 5`,
      `${ALICE} 4`,
      `${ALICE} 3`,
      `${ALICE} 2`,
    ]);
    expect(bob.totalCount).toBe(4);
    expect(bob.notifications.map(n => n.payload.title)).toEqual([
      `${BOB} 2`,
      `${BOB} 1`,
      `${BOB} 0`,
      'to everyone',
    ]);
    expect(aliceAgain).toEqual(alice);
  });

  it("leaves a filter value that equals a user's ref as it is", async () => {
    const knex = await database.migrated();
    // Bob's rows on a topic spelled like Alice's ref.
    await insertRows(knex, BOB, 2, ALICE);
    await insertRows(knex, ALICE, 1, ALICE);
    const store = new NotificationsStore(knex);
    const onTopic = { ...PAGE_DEFAULT, topic: ALICE };

    expect((await store.list(ALICE, onTopic)).totalCount).toBe(1);
    const bob = await store.list(BOB, onTopic);

    expect(bob.totalCount).toBe(2);
    expect(bob.notifications.map(n => n.user)).toEqual([BOB, BOB]);
  });

  it('compiles statements with per-request values each time, and keeps a bounded number of shapes', async () => {
    const knex = await database.migrated();
    await insertRows(knex, ALICE, 3);
    const store = new NotificationsStore(knex);
    const compilations = countCompilations(knex);

    const searched = { ...PAGE_DEFAULT, search: 'alice' };
    await store.list(ALICE, searched);
    compilations.mockClear();
    expect((await store.list(ALICE, searched)).totalCount).toBe(3);
    expect(compilations).toHaveBeenCalled();

    const pages = Array.from({ length: SHAPES_KEPT + 1 }, (_, offset) => ({
      ...PAGE_DEFAULT,
      offset,
    }));
    // More shapes than are kept (a page and its count are two): the first
    // page's drop out, the last one's stay.
    for (const page of pages) {
      await store.list(ALICE, page);
    }
    compilations.mockClear();
    await store.list(ALICE, pages[pages.length - 1]);
    expect(compilations).not.toHaveBeenCalled();
    const firstPage = await store.list(ALICE, pages[0]);
    expect(compilations).toHaveBeenCalled();
    expect(firstPage.notifications).toHaveLength(3);
  });
});

describeOnPostgres('CompiledStatements as prepared statements', init => {
  /** The statements the one connection of `knex` holds prepared. */
  async function preparedNames(knex: Knex): Promise<string[]> {
    const { rows } = await knex.raw(
      "SELECT name FROM pg_prepared_statements WHERE name LIKE 'herald%' ORDER BY name",
    );
    return rows.map((row: { name: string }) => row.name);
  }

  async function oneConnection() {
    const migrated = await init();
    await applyDatabaseMigrations(migrated);
    await insertRows(migrated, ALICE, 7);
    await insertRows(migrated, BOB, 3);
    // One connection, so the session that prepared is the one asked.
    return createKnex({ ...migrated.client.config, pool: { min: 1, max: 1 } });
  }

  it('runs each shape as a named statement, prepared once per connection', async () => {
    const knex = await oneConnection();
    try {
      const store = new NotificationsStore(knex);
      const alice = await store.list(ALICE, PAGE_DEFAULT);
      const names = await preparedNames(knex);
      // The page and its count.
      expect(names).toHaveLength(2);

      const bob = await store.list(BOB, PAGE_DEFAULT);
      expect(await store.list(ALICE, PAGE_DEFAULT)).toEqual(alice);
      expect(await preparedNames(knex)).toEqual(names);
      expect(alice.totalCount).toBe(7);
      expect(bob.notifications.map(n => n.payload.title)).toEqual([
        `${BOB} 2`,
        `${BOB} 1`,
        `${BOB} 0`,
      ]);
    } finally {
      await knex.destroy();
    }
  });

  it('prepares one statement per shape of SQL, however many values clients choose', async () => {
    const knex = await oneConnection();
    try {
      const store = new NotificationsStore(knex);
      await store.list(ALICE, PAGE_DEFAULT);
      // Offsets and topics are bound values: fifty of each, one more shape.
      for (let page = 1; page <= 50; page++) {
        await store.list(ALICE, {
          ...PAGE_DEFAULT,
          offset: page,
          topic: `topic ${page}`,
        });
      }
      expect(await preparedNames(knex)).toHaveLength(4);
    } finally {
      await knex.destroy();
    }
  });

  it('prepares nothing when notifications.preparedStatements is off', async () => {
    const knex = await oneConnection();
    try {
      const store = new NotificationsStore(knex, { preparedStatements: false });
      expect((await store.list(ALICE, PAGE_DEFAULT)).totalCount).toBe(7);
      expect(await preparedNames(knex)).toEqual([]);
    } finally {
      await knex.destroy();
    }
  });
});
