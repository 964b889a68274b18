/*
 * Measures the read side against a large inbox: 100,000 rows for one user
 * (one in three read, twenty topics, 1% mention "quasar"), ten neighbours
 * with 10,000 rows each and 50 broadcasts, written straight into the tables.
 * Then times the store's queries the notifications page makes, and prints
 * each one's query plan.
 *
 *   yarn bench:inbox                SQLite (in memory)
 *   HERALD_TEST_POSTGRES_CONNECTION_STRING=postgresql://user@host:5432 yarn bench:inbox
 *                                   SQLite, then PostgreSQL in a scratch database
 *   BENCH_PLANS=1 ...               also prints the query plans
 *
 * The searches run again at the end without the search index (its
 * migration reverted), as they did before it existed.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../src/store/migrations';
import {
  ListNotificationsOptions,
  NotificationsStore,
} from '../src/store/NotificationsStore';
import { findSearchIndexes } from '../src/store/searchCondition';
import { onEachBenchDatabase } from './databases';

const USER = 'user:default/inbox-owner';
const ROWS = 100_000;
const NEIGHBOURS = 10;
const NEIGHBOUR_ROWS = 10_000;
const BROADCASTS = 50;
const ROUNDS = 30;

const topics = Array.from({ length: 20 }, (_, i) => `topic-${i}`);
const severities = ['critical', 'high', 'normal', 'normal', 'normal', 'low'];

function inboxRow(user: string | null, index: number, now: number) {
  const created = new Date(now - index * 77_760);
  return {
    id: randomUUID(),
    ...(user ? { user } : {}),
    title:
      index % 97 === 0
        ? `Deployment of Quasar-${index % 8} finished (${index})`
        : `Build ${index} ${index % 5 === 0 ? 'failed' : 'passed'}`,
    description: `Pipeline run ${index}. See the build log for details.`,
    severity: severities[index % severities.length],
    link: `/catalog/default/component/service-${index % 8}`,
    origin: 'plugin:ci',
    topic: topics[index % topics.length],
    created,
    ...(user
      ? {
          read: index % 3 === 0 ? created : null,
          saved: index % 50 === 0 ? created : null,
        }
      : {}),
  };
}

async function seed(knex: Knex) {
  const now = Date.now();
  const insert = async (table: string, rows: object[]) => {
    for (let i = 0; i < rows.length; i += 500) {
      await knex(table).insert(rows.slice(i, i + 500));
    }
  };
  await insert(
    'notification',
    Array.from({ length: ROWS }, (_, i) => inboxRow(USER, i, now)),
  );
  for (let u = 0; u < NEIGHBOURS; u++) {
    await insert(
      'notification',
      Array.from({ length: NEIGHBOUR_ROWS }, (_, i) =>
        inboxRow(`user:default/neighbour-${u}`, i, now),
      ),
    );
  }
  const broadcasts = Array.from({ length: BROADCASTS }, (_, i) =>
    inboxRow(null, i * 1000 + 1, now),
  );
  await insert('broadcast', broadcasts);
  await insert(
    'broadcast_user_status',
    broadcasts
      .filter((_, i) => i % 2 === 0)
      .map(b => ({ broadcast_id: b.id, user: USER, read: b.created })),
  );
  if (knex.client.config.client === 'pg') {
    // What autovacuum does shortly after a bulk load: statistics, and the
    // visibility map that lets counts be answered from an index alone.
    await knex.raw('VACUUM ANALYZE');
  } else {
    await knex.raw('ANALYZE');
  }
}

const page: ListNotificationsOptions = {
  limit: 5,
  offset: 0,
  orderBy: [{ field: 'created', direction: 'desc' }],
  minimumSeverity: 'low',
};

type Workload = [string, (store: NotificationsStore) => Promise<unknown>];

const searches: Workload[] = [
  [
    'search "quasar" (unread)',
    s => s.list(USER, { ...page, read: false, search: 'quasar' }),
  ],
  [
    'search "quasar" (All view)',
    s => s.list(USER, { ...page, search: 'quasar' }),
  ],
  [
    'search "failed" (All view, a fifth of the rows)',
    s => s.list(USER, { ...page, search: 'failed' }),
  ],
  [
    'search "qu" (All view, too short for an index)',
    s => s.list(USER, { ...page, search: 'qu' }),
  ],
];

const workloads: Workload[] = [
  [
    'page default (unread, 5 rows + totalCount)',
    s => s.list(USER, { ...page, read: false }),
  ],
  ['All view (5 rows + totalCount)', s => s.list(USER, page)],
  ...searches,
  [
    'page 3 of the All view (offset 10)',
    s => s.list(USER, { ...page, offset: 10 }),
  ],
  [
    "Herald's inbox (unread, not done, not snoozed)",
    s => s.list(USER, { ...page, read: false, done: false, snoozed: false }),
  ],
  ['status', s => s.status(USER)],
  [
    "Herald's badge (status, not done, not snoozed)",
    s => s.status(USER, { done: false, snoozed: false }),
  ],
  [
    'topics (unread)',
    s => s.topics(USER, { read: false, minimumSeverity: 'low' }),
  ],
];

async function printPlans(name: string, knex: Knex) {
  const isPg = knex.client.config.client === 'pg';
  const statements: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const collect = (query: { sql: string; bindings: unknown[] }) =>
    statements.push({ sql: query.sql, bindings: query.bindings });
  knex.on('query', collect);
  const store = new NotificationsStore(knex);
  for (const [, run] of workloads) {
    await run(store);
  }
  knex.off('query', collect);
  for (const { sql, bindings } of statements.filter(
    // The search's own look at the planner's estimate.
    statement => !statement.sql.startsWith('EXPLAIN'),
  )) {
    const explain = isPg
      ? `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${sql}`
      : `EXPLAIN QUERY PLAN ${sql}`;
    let lines: string[];
    if (isPg) {
      // The statement already has PostgreSQL's $n placeholders.
      const connection = await knex.client.acquireConnection();
      try {
        const result = await connection.query(explain, bindings);
        lines = result.rows.map((r: any) => r['QUERY PLAN']);
      } finally {
        await knex.client.releaseConnection(connection);
      }
    } else {
      const result = await knex.raw(explain, bindings as any);
      lines = result.map((r: any) => `${r.id}<-${r.parent} ${r.detail}`);
    }
    console.log(`\n${name}: ${sql}\n  ${lines.join('\n  ')}`);
  }
}

async function measure(name: string, knex: Knex) {
  await applyDatabaseMigrations(knex);
  const seedStart = Date.now();
  await seed(knex);
  console.log(
    `${name}: seeded ${
      ROWS + NEIGHBOURS * NEIGHBOUR_ROWS
    } rows and ${BROADCASTS} broadcasts in ${Date.now() - seedStart} ms`,
  );
  const store = new NotificationsStore(knex);
  const time = async ([label, run]: Workload) => {
    for (let i = 0; i < 3; i++) {
      await run(store);
    }
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = process.hrtime.bigint();
      await run(store);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name}: ${label}: median ${times[ROUNDS >> 1].toFixed(
        2,
      )} ms, best ${times[0].toFixed(2)} ms over ${ROUNDS}`,
    );
  };
  for (const workload of workloads) {
    await time(workload);
  }
  if (process.env.BENCH_PLANS) {
    await printPlans(name, knex);
  }
  for (const migration of [
    '20261204a_text_owner.js',
    '20261203j_search_texts.js',
    '20261203g_search_index.js',
  ]) {
    await knex.migrate.down({
      directory: resolvePackagePath(
        '@herald/plugin-notifications-backend',
        'migrations',
      ),
      name: migration,
    });
  }
  await findSearchIndexes(knex);
  for (const [label, run] of searches) {
    await time([`${label} without the search index`, run]);
  }
  const buildStart = Date.now();
  await applyDatabaseMigrations(knex);
  console.log(
    `${name}: built the search index over the seeded rows in ${
      Date.now() - buildStart
    } ms`,
  );
}

async function main() {
  await onEachBenchDatabase(measure);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
