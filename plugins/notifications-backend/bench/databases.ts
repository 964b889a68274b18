import knexFactory, { Knex } from 'knex';

/** An in-memory SQLite database. */
export function createBenchSqlite(): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
}

/**
 * A new database on the PostgreSQL server at `serverUrl`. `drop` closes its
 * connections and drops it; calling it again waits for the first drop.
 */
export async function createScratchPostgres(
  serverUrl: string,
): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  const name = `herald_bench_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl });
  await admin.raw(`CREATE DATABASE ${name}`);
  const scratchUrl = new URL(serverUrl);
  scratchUrl.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: scratchUrl.toString() });
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= (async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE ${name}`);
      await admin.destroy();
    })();
    return dropped;
  };
  return { knex, drop };
}

/**
 * Runs a benchmark on an in-memory SQLite database and, when
 * HERALD_TEST_POSTGRES_CONNECTION_STRING is set, on a scratch PostgreSQL
 * database that is dropped afterwards.
 */
export async function onEachBenchDatabase(
  run: (label: string, knex: Knex) => Promise<void>,
) {
  const sqlite = createBenchSqlite();
  try {
    await run('SQLite', sqlite);
  } finally {
    await sqlite.destroy();
  }

  const pgUrl = process.env.HERALD_TEST_POSTGRES_CONNECTION_STRING;
  if (!pgUrl) {
    return;
  }
  const pg = await createScratchPostgres(pgUrl);
  try {
    await run('PostgreSQL', pg.knex);
  } finally {
    await pg.drop();
  }
}
