import knexFactory, { Knex } from 'knex';

/**
 * Runs a benchmark on an in-memory SQLite database and, when
 * HERALD_TEST_POSTGRES_CONNECTION_STRING is set, on a scratch PostgreSQL
 * database that is dropped afterwards.
 */
export async function onEachBenchDatabase(
  run: (label: string, knex: Knex) => Promise<void>,
) {
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    await run('SQLite', sqlite);
  } finally {
    await sqlite.destroy();
  }

  const pgUrl = process.env.HERALD_TEST_POSTGRES_CONNECTION_STRING;
  if (!pgUrl) {
    return;
  }
  const database = `herald_bench_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  await admin.raw(`CREATE DATABASE ${database}`);
  const scratchUrl = new URL(pgUrl);
  scratchUrl.pathname = `/${database}`;
  const pg = knexFactory({ client: 'pg', connection: scratchUrl.toString() });
  try {
    await run('PostgreSQL', pg);
  } finally {
    await pg.destroy();
    await admin.raw(`DROP DATABASE ${database}`);
    await admin.destroy();
  }
}
