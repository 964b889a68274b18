import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import * as searchIndexMigration from '../../migrations/20261203g_search_index';
import * as textOwnerMigration from '../../migrations/20261204a_text_owner';
import * as searchKeysMigration from '../../migrations/20261205a_text_search_keys';
import {
  createTestDatabases,
  describeOnPostgres,
} from '../__testUtils__/notificationsTestBackend';
import { RetentionStore } from '../retention';
import { applyDatabaseMigrations } from './migrations';
import {
  NotificationContent,
  NotificationWriter,
  UserNotificationDraft,
} from './NotificationWriter';
import { NotificationsStore } from './NotificationsStore';
import {
  findSearchIndexes,
  hasSearchTexts,
  SEARCH_KEYS_PER_OWNER,
  textsToSearchThrough,
} from './searchCondition';
import { runWritesTogether } from './sql';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const ORIGIN = 'plugin:test';
/** The search index's migrations, last first, as they are rolled back. */
const SEARCH_MIGRATIONS = [
  '20261205a_text_search_keys.js',
  '20261204a_text_owner.js',
  '20261203j_search_texts.js',
  '20261203g_search_index.js',
];
const migrations = {
  directory: resolvePackagePath(
    '@herald/plugin-notifications-backend',
    'migrations',
  ),
};

type Text = Pick<NotificationContent, 'title' | 'description' | 'scope'>;

const ALICE_ROWS: Text[] = [
  {
    title: 'Deployment of Quasar finished',
    description: 'Pipeline run 12. See the build log.',
  },
  { title: '50% off' },
  { title: 'a_b', description: 'underscore' },
  { title: 'axb', description: 'plain' },
  { title: 'bang!', description: 'twice!!' },
  { title: 'Ärger im Büro', description: 'Straße' },
  { title: 'ÄRGER' },
  { title: '日本語のテキスト', description: 'launch 🚀 today' },
  { title: 'Spans', description: 'title' },
  { title: 'say "hi"', description: "it's quoted" },
];

/** Search terms and what they find on every database. */
const EXPECTED: Record<string, string[]> = {
  q: ['Broadcast: quasar news', 'Deployment of Quasar finished', 'say "hi"'],
  QU: ['Broadcast: quasar news', 'Deployment of Quasar finished', 'say "hi"'],
  quasar: ['Broadcast: quasar news', 'Deployment of Quasar finished'],
  QUASAR: ['Broadcast: quasar news', 'Deployment of Quasar finished'],
  'see the BUILD': ['Deployment of Quasar finished'],
  '%': ['50% off'],
  '0%': ['50% off'],
  '50%': ['50% off'],
  _: ['a_b'],
  a_: ['a_b'],
  a_b: ['a_b'],
  '!': ['bang!'],
  '!!': ['bang!'],
  'g!': ['bang!'],
  'NG!': ['bang!'],
  '"hi"': ['say "hi"'],
  "it's": ['say "hi"'],
  '""': [],
  Spans: ['Spans'],
  title: ['Spans'],
  // Title and description are searched one at a time.
  spanstitle: [],
  'ns ti': [],
  // Scoped re-sends replaced these after they were indexed.
  replacement: ['Broadcast replacement', 'Scoped replacement'],
  'after the upsert': ['Scoped replacement'],
  original: [],
  'first version': [],
  // Deleted by retention after they were indexed.
  expired: [],
  'gone soon': [],
  Ärger: ['ÄRGER', 'Ärger im Büro'],
  Büro: ['Ärger im Büro'],
  üro: ['Ärger im Büro'],
  本: ['日本語のテキスト'],
  日本語: ['日本語のテキスト'],
  xyz: [],
};

/**
 * Terms whose results differ between databases (which characters LOWER
 * folds, accent-insensitive collations), compared only with the same
 * database's search without the index.
 */
const PER_DATABASE = [
  'ärger',
  'ÄRGER',
  'BÜRO',
  'straße',
  'STRASSE',
  '🚀',
  '🚀 today',
  'ÜRO',
];

async function storeRows(knex: Knex) {
  const writer = new NotificationWriter();
  const send = (user: string, content: Text, now = new Date()) =>
    knex.transaction(tx =>
      writer.storeUserNotifications(tx, {
        origin: ORIGIN,
        now,
        drafts: [
          {
            id: randomUUID(),
            user,
            content: { severity: 'normal', ...content },
          },
        ],
      }),
    );
  const broadcast = (content: Text, now = new Date()) =>
    knex.transaction(tx =>
      writer.storeBroadcast(tx, {
        id: randomUUID(),
        origin: ORIGIN,
        now,
        content: { severity: 'normal', ...content },
      }),
    );
  for (const row of ALICE_ROWS) {
    await send(ALICE, row);
  }
  await send(BOB, { title: 'Quasar for Bob only', description: 'a_b 50%' });
  await broadcast({ title: 'Broadcast: quasar news', description: 'For all' });

  await send(ALICE, {
    title: 'Scoped original',
    description: 'before the upsert',
    scope: 'deploy',
  });
  await send(ALICE, {
    title: 'Scoped replacement',
    description: 'after the upsert',
    scope: 'deploy',
  });
  await broadcast({
    title: 'Broadcast original',
    description: 'first version',
    scope: 'news',
  });
  await broadcast({
    title: 'Broadcast replacement',
    description: 'second version',
    scope: 'news',
  });

  const longAgo = new Date('2020-01-01T00:00:00.000Z');
  await send(ALICE, { title: 'Expired', description: 'gone soon' }, longAgo);
  await broadcast({ title: 'Expired broadcast' }, longAgo);
  expect(
    await new RetentionStore(knex).deleteExpired(new Date('2021-01-01')),
  ).toBe(2);
}

/** The titles each term finds in Alice's view, in one order for all databases. */
async function searchAll(store: NotificationsStore) {
  const results: Record<string, string[]> = {};
  for (const term of [...Object.keys(EXPECTED), ...PER_DATABASE]) {
    const { notifications, totalCount } = await store.list(ALICE, {
      search: term,
    });
    const titles = notifications.map(n => n.payload.title).sort();
    expect(totalCount).toBe(titles.length);
    results[term] = titles;
  }
  return results;
}

/** The search indexes the migration made, by name. */
async function searchIndexes(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    return knex('sqlite_master')
      .where('name', 'like', '%_search')
      .orderBy('name')
      .pluck('name');
  }
  if (client === 'pg') {
    const { rows } = await knex.raw(
      `SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm_idx' ORDER BY indexname`,
    );
    return rows.map((row: { indexname: string }) => row.indexname);
  }
  return [];
}

const INDEXES: Record<string, string[]> = {
  SQLITE_3: ['broadcast_search', 'notification_text_search'],
  POSTGRES_15: [
    'broadcast_description_trgm_idx',
    'broadcast_title_trgm_idx',
    'notification_text_description_trgm_idx',
    'notification_text_owner_description_trgm_idx',
    'notification_text_owner_title_trgm_idx',
    'notification_text_title_trgm_idx',
  ],
  MYSQL_8: [],
};

async function rollBackSearchIndex(knex: Knex) {
  for (const name of SEARCH_MIGRATIONS) {
    await knex.migrate.down({ ...migrations, name });
  }
  await findSearchIndexes(knex);
}

/**
 * Runs a migration's `up` as `role` inside `trx`, and expects it to warn
 * that it went without what `warning` names.
 */
async function migrateAsRole(
  trx: Knex,
  role: string,
  up: (knex: Knex) => Promise<void>,
  warning: RegExp,
) {
  const warn = jest
    .spyOn(trx.client.logger, 'warn')
    .mockImplementation(() => {});
  try {
    await trx.raw('SET LOCAL ROLE ??', [role]);
    await up(trx);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(warning));
  } finally {
    warn.mockRestore();
  }
}

/** The statements `run` sends through `knex`. */
async function statementsOf(knex: Knex, run: () => Promise<unknown>) {
  const statements: Array<{ sql: string; bindings: Knex.RawBinding[] }> = [];
  const collect = (query: { sql: string; bindings: Knex.RawBinding[] }) =>
    statements.push({ sql: query.sql, bindings: query.bindings });
  knex.on('query', collect);
  try {
    await run();
  } finally {
    knex.off('query', collect);
  }
  return statements;
}

describe.each(databases.eachSupportedId())('search on %p', databaseId => {
  it('finds the same rows with the index as without, after updates and deletes', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await storeRows(knex);
    const store = new NotificationsStore(knex);
    expect(await searchIndexes(knex)).toEqual(INDEXES[databaseId]);

    const indexed = await searchAll(store);
    expect(
      Object.fromEntries(Object.keys(EXPECTED).map(t => [t, indexed[t]])),
    ).toEqual(EXPECTED);

    // Without the index the search reads the rows, as before it existed.
    await rollBackSearchIndex(knex);
    expect(await searchIndexes(knex)).toEqual([]);
    expect(await searchAll(store)).toEqual(indexed);

    // Built again over the rows already there.
    await applyDatabaseMigrations(knex);
    expect(await searchIndexes(knex)).toEqual(INDEXES[databaseId]);
    expect(await searchAll(store)).toEqual(indexed);
  });
});

const TEXT_DATABASES = databases
  .eachSupportedId()
  .filter(([id]) => id !== 'MYSQL_8');

describe.each(TEXT_DATABASES)('texts of the search index on %p', databaseId => {
  async function setUp() {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    expect(hasSearchTexts(knex)).toBe(true);
    const writer = new NotificationWriter({ searchTexts: true });
    const texts = () =>
      knex('notification_text')
        .orderBy(['title', 'description'])
        .select('title', 'description');
    const textIdsOf = (title: string) =>
      knex('notification').where('title', title).pluck('text_id');
    const titlesFound = async (search: string) =>
      (await new NotificationsStore(knex).list(ALICE, { search })).notifications
        .map(n => n.payload.title)
        .sort();
    return { knex, writer, texts, textIdsOf, titlesFound };
  }

  const draft = (user: string, content: Text) => ({
    id: randomUUID(),
    user,
    content: { severity: 'normal' as const, ...content },
  });

  it('keeps one text per distinct title and description of a send', async () => {
    const { knex, writer, texts, textIdsOf, titlesFound } = await setUp();
    const shared = { title: 'Quasar deployed', description: 'Run 7' };
    await knex.transaction(tx =>
      writer.storeUserNotifications(tx, {
        origin: ORIGIN,
        now: new Date(),
        drafts: [
          draft(ALICE, shared),
          draft(BOB, shared),
          draft('user:default/carol', shared),
          draft('user:default/dave', { ...shared, description: 'Run 8' }),
        ],
      }),
    );
    expect(await texts()).toEqual([
      { title: 'Quasar deployed', description: 'Run 7' },
      { title: 'Quasar deployed', description: 'Run 8' },
    ]);
    expect(new Set(await textIdsOf('Quasar deployed')).size).toBe(2);
    expect(await titlesFound('quasar')).toEqual(['Quasar deployed']);

    // A scoped re-send moves the row to a new text; the old one goes with
    // its last row.
    const scoped = { title: 'Build running', scope: 'build-1' };
    for (const title of ['Build running', 'Build passed']) {
      await knex.transaction(tx =>
        writer.storeUserNotifications(tx, {
          origin: ORIGIN,
          now: new Date(),
          drafts: [draft(ALICE, { ...scoped, title })],
        }),
      );
    }
    expect((await texts()).map(t => t.title)).toEqual([
      'Build passed',
      'Quasar deployed',
      'Quasar deployed',
    ]);
    expect(await titlesFound('build')).toEqual(['Build passed']);

    // Retention takes the texts of the rows it deletes.
    const longAgo = new Date('2020-01-01');
    await knex('notification').update({ created: longAgo, updated: longAgo });
    await new RetentionStore(knex).deleteExpired(new Date('2021-01-01'));
    expect(await texts()).toEqual([]);
  });

  it('reads the rows instead where a term matches too many texts', async () => {
    const { knex, writer, titlesFound } = await setUp();
    await knex.transaction(tx =>
      writer.storeUserNotifications(tx, {
        origin: ORIGIN,
        now: new Date(),
        drafts: [
          draft(ALICE, { title: 'Common failure', description: 'rare word' }),
        ],
      }),
    );
    // Other users' texts, all mentioning the common word.
    const texts = Array.from({ length: 6000 }, (_, i) => ({
      id: randomUUID(),
      title: `Build ${i} failed`,
      description: 'common failure',
    }));
    for (let i = 0; i < texts.length; i += 500) {
      await knex('notification_text').insert(texts.slice(i, i + 500));
    }
    if (databaseId === 'POSTGRES_15') {
      // PostgreSQL estimates from statistics, as autovacuum would keep them.
      await knex.raw('ANALYZE notification_text');
    }
    const through = (search: string) =>
      textsToSearchThrough(knex, ALICE, search);
    expect(await through('rare word')).toBeDefined();
    expect(await through('failure')).toBeUndefined();
    expect(await through('fa')).toBeUndefined();
    // The same rows either way.
    expect(await titlesFound('rare word')).toEqual(['Common failure']);
    expect(await titlesFound('failure')).toEqual(['Common failure']);

    // Texts of one other user are not Alice's to look through.
    await knex('notification_text')
      .whereNot('title', 'Common failure')
      .update({ owner: BOB });
    if (databaseId === 'POSTGRES_15') {
      await knex.raw('ANALYZE notification_text');
    }
    expect(await through('failure')).toBeDefined();
    expect(await titlesFound('failure')).toEqual(['Common failure']);
  });

  it('names the one user whose rows use a text as its owner', async () => {
    const { knex, writer } = await setUp();
    const owners = () =>
      knex('notification_text')
        .orderBy(['title', 'description'])
        .select('title', 'owner');
    const send = (drafts: UserNotificationDraft[]) =>
      knex.transaction(tx =>
        writer.storeUserNotifications(tx, {
          origin: ORIGIN,
          now: new Date(),
          drafts,
        }),
      );
    const shared = { title: 'B shared' };
    await send([
      draft(ALICE, { title: 'A personal' }),
      draft(ALICE, shared),
      draft(BOB, shared),
    ]);
    // A scoped re-send to both moves both rows to one new text.
    const scoped = { title: 'C scoped', scope: 'build-2' };
    await send([draft(ALICE, scoped)]);
    await send([draft(BOB, scoped)]);
    expect(await owners()).toEqual([
      { title: 'A personal', owner: ALICE },
      { title: 'B shared', owner: null },
      { title: 'C scoped', owner: ALICE },
      { title: 'C scoped', owner: BOB },
    ]);
    await send([ALICE, BOB].map(user => draft(user, scoped)));
    expect(await owners()).toEqual([
      { title: 'A personal', owner: ALICE },
      { title: 'B shared', owner: null },
      { title: 'C scoped', owner: null },
    ]);

    // The text a trigger makes for a row written without one is its user's.
    await knex('notification').insert({
      id: randomUUID(),
      user: BOB,
      title: 'D by upstream',
      severity: 'normal',
      origin: ORIGIN,
      created: new Date(),
    });
    expect((await owners()).at(-1)).toEqual({
      title: 'D by upstream',
      owner: BOB,
    });
  });

  it('finds the owners of the texts already there when upgrading', async () => {
    const { knex } = await setUp();
    for (const name of SEARCH_MIGRATIONS.slice(0, 2)) {
      await knex.migrate.down({ ...migrations, name });
    }
    await findSearchIndexes(knex);
    const row = (user: string, title: string, textId?: string) => ({
      id: randomUUID(),
      user,
      title,
      severity: 'normal',
      origin: ORIGIN,
      created: new Date(),
      ...(textId ? { text_id: textId } : {}),
    });
    // Rows of one user each get a text from the trigger; one text shared.
    await knex('notification').insert([
      row(ALICE, 'Personal of Alice'),
      row(BOB, 'Personal of Bob'),
    ]);
    const sharedId = randomUUID();
    await knex('notification_text').insert({ id: sharedId, title: 'Shared' });
    await knex('notification').insert([
      row(ALICE, 'Shared', sharedId),
      row(BOB, 'Shared', sharedId),
    ]);

    await applyDatabaseMigrations(knex);
    expect(
      await knex('notification_text').orderBy('title').select('title', 'owner'),
    ).toEqual([
      { title: 'Personal of Alice', owner: ALICE },
      { title: 'Personal of Bob', owner: BOB },
      { title: 'Shared', owner: null },
    ]);
    const found = async (user: string, search: string) =>
      (await new NotificationsStore(knex).list(user, { search })).totalCount;
    expect(await found(BOB, 'shared')).toBe(1);
    expect(await found(ALICE, 'personal')).toBe(1);
  });

  it('gives a row written without a text one of its own, as upstream writes them', async () => {
    const { knex, texts, textIdsOf, titlesFound } = await setUp();
    await knex('notification').insert({
      id: randomUUID(),
      user: ALICE,
      title: 'Written by upstream',
      description: 'no text id',
      severity: 'normal',
      origin: ORIGIN,
      created: new Date(),
    });
    const [first] = await textIdsOf('Written by upstream');
    expect(first).toEqual(expect.any(String));
    expect(await titlesFound('upstream')).toEqual(['Written by upstream']);

    // Retitled without naming a text: a new text, and the old one goes.
    await knex('notification')
      .where('title', 'Written by upstream')
      .update({ title: 'Retitled by upstream' });
    const [second] = await textIdsOf('Retitled by upstream');
    expect(second).not.toBe(first);
    expect(await texts()).toEqual([
      { title: 'Retitled by upstream', description: 'no text id' },
    ]);
    expect(await titlesFound('upstream')).toEqual(['Retitled by upstream']);

    // Other updates leave the text alone.
    await knex('notification').update({ read: new Date() });
    expect(await textIdsOf('Retitled by upstream')).toEqual([second]);
    await knex('notification').delete();
    expect(await texts()).toEqual([]);
  });
});

describeOnPostgres('texts of a send written in one statement', init => {
  it('writes the text in the same statement as the rows', async () => {
    const knex = await init();
    await applyDatabaseMigrations(knex);
    const writer = new NotificationWriter({
      searchTexts: hasSearchTexts(knex),
    });
    const { writes } = writer.unscopedUserNotificationWrites({
      origin: ORIGIN,
      now: new Date(),
      drafts: [ALICE, BOB].map(user => ({
        id: randomUUID(),
        user,
        content: { severity: 'normal', title: 'Quasar in one statement' },
      })),
    });
    await runWritesTogether(knex, writes);
    expect(await knex('notification_text').select('title')).toEqual([
      { title: 'Quasar in one statement' },
    ]);
    const textIds = await knex('notification').distinct('text_id');
    expect(textIds).toHaveLength(1);
    const { notifications } = await new NotificationsStore(knex).list(BOB, {
      search: 'quasar',
    });
    expect(notifications.map(n => n.payload.title)).toEqual([
      'Quasar in one statement',
    ]);
  });
});

// SQLite is always there; PostgreSQL only where a connection string is set.
describe('search on SQLite', () => {
  it('reads the search table for terms of three characters or more', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    await storeRows(knex);
    const store = new NotificationsStore(knex);
    const plans = async (search: string) => {
      const statements = await statementsOf(knex, () =>
        store.list(ALICE, { search, limit: 5 }),
      );
      const details: string[] = [];
      for (const { sql, bindings } of statements) {
        const rows = await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings);
        details.push(...rows.map((row: { detail: string }) => row.detail));
      }
      return details;
    };
    const indexed = await plans('quasar');
    expect(indexed).toContainEqual(
      expect.stringMatching(
        /^SCAN notification_text_search VIRTUAL TABLE INDEX/,
      ),
    );
    expect(indexed).toContainEqual(
      expect.stringMatching(/^SCAN broadcast_search VIRTUAL TABLE INDEX/),
    );
    // From each matching text to the user's rows of it, not the other way.
    expect(indexed).toContainEqual(
      expect.stringMatching(
        /^SEARCH n USING COVERING INDEX notification_text_id_user_idx \(text_id=\? AND user=\?\)/,
      ),
    );
    expect((await plans('qu')).join('\n')).not.toMatch(/_search/);
  });
  it("looks through the user's own texts and the shared ones only", async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    expect(SEARCH_KEYS_PER_OWNER).toBe(searchKeysMigration.KEYS_PER_OWNER);
    const writer = new NotificationWriter({ searchTexts: true });
    const send = (users: string[], titles: string[]) =>
      knex.transaction(tx =>
        writer.storeUserNotifications(tx, {
          origin: ORIGIN,
          now: new Date(),
          drafts: users.flatMap(user =>
            titles.map(title => ({
              id: randomUUID(),
              user,
              content: { severity: 'normal' as const, title },
            })),
          ),
        }),
      );
    for (let i = 0; i < 40; i++) {
      await send([ALICE], [i % 20 === 0 ? `Quasar build ${i}` : `Build ${i}`]);
      await send([BOB], [`Quasar for Bob ${i}`]);
    }
    await send([ALICE, BOB], ['Quasar for everyone']);
    const store = new NotificationsStore(knex);
    const search = async (user: string) => {
      const statements = await statementsOf(knex, () =>
        store.list(user, { search: 'quasar', limit: 5 }),
      );
      const plans: string[] = [];
      for (const { sql, bindings } of statements) {
        const rows = await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings);
        plans.push(...rows.map((row: { detail: string }) => row.detail));
      }
      const { notifications, totalCount } = await store.list(user, {
        search: 'quasar',
      });
      return {
        statements: statements.map(statement => statement.sql),
        plans,
        titles: notifications.map(n => n.payload.title).sort(),
        totalCount,
      };
    };

    const alices = await search(ALICE);
    expect(alices).toMatchObject({
      titles: ['Quasar build 0', 'Quasar build 20', 'Quasar for everyone'],
      totalCount: 3,
    });
    // The FTS table is asked for two ranges of keys (`><`), the shared one
    // and Alice's, and Bob's 40 matching texts are never read.
    expect(
      alices.plans.filter(plan =>
        /^SCAN notification_text_search VIRTUAL TABLE INDEX 0:M2><$/.test(plan),
      ),
    ).toHaveLength(2);
    expect(await textsToSearchThrough(knex, ALICE, 'quasar')).toEqual({
      sqliteTextIds: expect.any(Array),
    });
    expect(
      (await textsToSearchThrough(knex, ALICE, 'quasar'))?.sqliteTextIds,
    ).toHaveLength(3);
    expect((await search(BOB)).totalCount).toBe(41);

    // A new match of hers leaves the statements as they were, so the
    // worker's compiled statements serve every search.
    await send([ALICE], ['Quasar build 40']);
    const more = await search(ALICE);
    expect(more.totalCount).toBe(4);
    expect(more.statements).toEqual(alices.statements);

    // A text whose owner is changed by hand moves to the new owner's keys.
    const [bobsText] = await knex('notification_text')
      .where('title', 'Quasar for Bob 0')
      .pluck('id');
    await knex('notification_text')
      .where('id', bobsText)
      .update({ owner: ALICE });
    expect(
      (await textsToSearchThrough(knex, ALICE, 'quasar'))?.sqliteTextIds,
    ).toContain(bobsText);
    expect(
      (await textsToSearchThrough(knex, BOB, 'quasar'))?.sqliteTextIds,
    ).not.toContain(bobsText);
  });
});

describeOnPostgres('search on PostgreSQL', init => {
  it('uses the trigram indexes for terms of three characters or more', async () => {
    const knex = await init();
    await applyDatabaseMigrations(knex);
    const created = new Date('2026-01-01T00:00:00.000Z');
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      id: randomUUID(),
      user: ALICE,
      title: i % 100 === 0 ? `Quasar deployed (${i})` : `Build ${i} passed`,
      description: `Pipeline run ${i}`,
      severity: 'normal',
      origin: ORIGIN,
      created,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await knex('notification').insert(rows.slice(i, i + 500));
    }
    // As autovacuum would: statistics, and the rows moved from the trigram
    // indexes' pending lists into the indexes, which the planner prices.
    await knex.raw('VACUUM ANALYZE notification, notification_text');
    const store = new NotificationsStore(knex);
    const statements = await statementsOf(knex, () =>
      store.list(ALICE, { search: 'quasar', limit: 5 }),
    );

    // The statements carry PostgreSQL's own $n placeholders.
    const connection = await knex.client.acquireConnection();
    const plan: string[] = [];
    try {
      await connection.query('SET enable_seqscan = off');
      for (const { sql, bindings } of statements) {
        if (sql.startsWith('EXPLAIN')) {
          continue; // the search's own look at the planner's estimate
        }
        const result = await connection.query(`EXPLAIN ${sql}`, bindings);
        plan.push(...result.rows.map((row: any) => row['QUERY PLAN']));
      }
    } finally {
      await connection.query('RESET enable_seqscan');
      await knex.client.releaseConnection(connection);
    }
    // Alice's texts by owner and term together; the shared ones (none) by term.
    expect(plan.join('\n')).toMatch(
      /Bitmap Index Scan on notification_text_owner_title_trgm_idx .*\n\s+Index Cond: \(\(owner = /,
    );
    expect(plan.join('\n')).toMatch(
      /Bitmap Index Scan on notification_text_title_trgm_idx/,
    );
    // Short pending lists, so no single insert moves megabytes of them.
    const options = await knex('pg_class')
      .whereLike('relname', '%_trgm_idx')
      .orderBy('relname')
      .select('relname', 'reloptions');
    expect(options).toEqual(
      INDEXES.POSTGRES_15.map(relname => ({
        relname,
        reloptions: ['gin_pending_list_limit=256'],
      })),
    );

    // And finds what it should along that plan.
    const found = await knex.transaction(async trx => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      return new NotificationsStore(trx).list(ALICE, { search: 'QUASAR' });
    });
    expect(found.totalCount).toBe(20);
    expect(found.notifications.map(n => n.payload.title).sort()).toEqual(
      rows
        .filter(row => row.title.startsWith('Quasar'))
        .map(row => row.title)
        .sort(),
    );
  });

  it('combines an owner index with the trigram indexes where btree_gin cannot be installed', async () => {
    const knex = await init();
    await applyDatabaseMigrations(knex);
    await knex.migrate.down({ ...migrations, name: '20261204a_text_owner.js' });
    await knex.raw('DROP EXTENSION btree_gin');
    const sharedId = randomUUID();
    await knex('notification_text').insert({
      id: sharedId,
      title: 'Quasar shared',
    });
    await knex('notification').insert(
      [
        { user: ALICE, title: 'Quasar of Alice' },
        { user: BOB, title: 'Quasar of Bob' },
        { user: ALICE, title: 'Quasar shared', text_id: sharedId },
        { user: BOB, title: 'Quasar shared', text_id: sharedId },
      ].map(row => ({
        id: randomUUID(),
        severity: 'normal',
        origin: ORIGIN,
        created: new Date(),
        ...row,
      })),
    );
    // A role that owns what the migration changes but may not create
    // extensions in this database.
    const role = `herald_owner_${randomUUID().slice(0, 8)}`;
    await knex.raw('CREATE ROLE ??', [role]);
    try {
      await knex.raw('GRANT CREATE ON SCHEMA ?? TO ??', [
        (await knex.raw('SELECT current_schema() AS schema')).rows[0].schema,
        role,
      ]);
      await knex.raw('GRANT SELECT ON notification TO ??', [role]);
      await knex.raw('ALTER TABLE notification_text OWNER TO ??', [role]);
      await knex.raw('ALTER FUNCTION notification_text_own() OWNER TO ??', [
        role,
      ]);
      await knex.transaction(trx =>
        migrateAsRole(
          trx,
          role,
          textOwnerMigration.up,
          /btree_gin could not be installed/,
        ),
      );
      await knex.raw('REASSIGN OWNED BY ?? TO CURRENT_USER', [role]);
      await knex.raw('DROP OWNED BY ??', [role]);
    } finally {
      await knex.raw('DROP ROLE ??', [role]);
    }
    await findSearchIndexes(knex);
    expect(await searchIndexes(knex)).toEqual([
      'broadcast_description_trgm_idx',
      'broadcast_title_trgm_idx',
      'notification_text_description_trgm_idx',
      'notification_text_title_trgm_idx',
    ]);
    expect(
      await knex('pg_indexes').where(
        'indexname',
        'notification_text_owner_idx',
      ),
    ).toHaveLength(1);
    expect(
      (
        await new NotificationsStore(knex).list(ALICE, { search: 'quasar' })
      ).notifications
        .map(n => n.payload.title)
        .sort(),
    ).toEqual(['Quasar of Alice', 'Quasar shared']);
  });

  it('migrates without the indexes where pg_trgm cannot be installed', async () => {
    const knex = await init();
    await applyDatabaseMigrations(knex);
    await rollBackSearchIndex(knex);
    await knex.raw('DROP EXTENSION pg_trgm');
    await knex('notification').insert({
      id: randomUUID(),
      user: ALICE,
      title: 'Quasar deployed',
      severity: 'normal',
      origin: ORIGIN,
      created: new Date(),
    });
    // A role that may not create extensions in this database.
    const role = `herald_search_${randomUUID().slice(0, 8)}`;
    await knex.raw('CREATE ROLE ??', [role]);
    try {
      await knex.transaction(async trx => {
        await migrateAsRole(
          trx,
          role,
          searchIndexMigration.up,
          /pg_trgm could not be installed/,
        );
        // The transaction goes on: the failed statement was rolled back alone.
        await trx.raw('RESET ROLE');
        expect(await searchIndexes(trx)).toEqual([]);
      });
    } finally {
      await knex.raw('DROP ROLE ??', [role]);
    }
    const { notifications } = await new NotificationsStore(knex).list(ALICE, {
      search: 'quasar',
    });
    expect(notifications.map(n => n.payload.title)).toEqual([
      'Quasar deployed',
    ]);
  });
});
