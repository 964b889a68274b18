'use strict';

/*
 * Database work the benchmark does behind the backends' backs: dedicated
 * PostgreSQL databases per run, and the 100,000-row inbox written straight into
 * the `notification` table (same upstream schema on both sides).
 */
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');
const path = require('node:path');
const knexFactory = require('knex');

function postgresAdmin(postgresUrl) {
  return knexFactory({
    client: 'pg',
    connection: postgresUrl,
    pool: { min: 0, max: 1 },
  });
}

/** Creates the notifications database `notificationsDatabase` opens there. */
async function createPostgresDatabase({ postgresUrl, prefix }) {
  const admin = postgresAdmin(postgresUrl);
  try {
    await admin.raw('CREATE DATABASE ??', [`${prefix}notifications`]);
  } finally {
    await admin.destroy();
  }
}

async function dropPostgresDatabases(postgresUrl, prefix) {
  const admin = postgresAdmin(postgresUrl);
  try {
    const { rows } = await admin.raw(
      'SELECT datname FROM pg_database WHERE datname LIKE ?',
      [`${prefix.replace(/_/g, '\\_')}%`],
    );
    for (const { datname } of rows) {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
    return rows.map(row => row.datname);
  } finally {
    await admin.destroy();
  }
}

/**
 * Where PostgreSQL's write-ahead log stands, for the log written between two
 * readings; the server's log, so other databases' writes count too.
 */
async function postgresWalPosition(postgresUrl) {
  const admin = postgresAdmin(postgresUrl);
  try {
    const { rows } = await admin.raw(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS bytes`,
    );
    return Number(rows[0].bytes);
  } finally {
    await admin.destroy();
  }
}

/*
 * What the plugin's writing SQLite connection sets besides what every
 * connection here gets (below): a commit appends to the write-ahead log without an fsync, and checkpoints
 * are left to another connection (the plugin's run on a thread of their
 * own), so none lands on a write.
 */
const SQLITE_WRITER_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'wal_autocheckpoint = 0',
];

/**
 * A knex for the notifications database of one side. `writer` sets up a
 * SQLite connection that writes as the plugin's does, for the floors: with
 * SQLite's defaults a commit waited for an fsync and, once the log had
 * grown, copied it into the database, which the plugin's never does (its
 * checkpoints run on a thread of their own); in a probe, 10,000 rows took
 * 1.5 × as long that way.
 */
function notificationsDatabase(
  engine,
  { sqliteDirectory, postgresUrl, prefix },
  { writer = false } = {},
) {
  if (engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: {
        filename: path.join(sqliteDirectory, 'notifications.sqlite'),
      },
      useNullAsDefault: true,
      pool: {
        // The backend writes to the same file meanwhile (its outbox works
        // through the large sends' jobs); wait for its write lock as long as
        // it takes rather than give up after better-sqlite3's 5 s.
        afterCreate(connection, done) {
          connection.pragma('busy_timeout = 600000');
          // As the plugin's own connection sets it: without it SQLite writes
          // a statement journal to a temporary file for every row that fires
          // a trigger, and the floor would measure that file.
          connection.pragma('temp_store = MEMORY');
          // Also as the plugin's: the floor's reads go through a memory map
          // of the file rather than SQLite's small page cache.
          connection.pragma('mmap_size = 2147418112');
          if (writer) {
            SQLITE_WRITER_PRAGMAS.forEach(pragma => connection.pragma(pragma));
          }
          done();
        },
      },
    });
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${prefix}notifications`;
  return knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 2 },
  });
}

const topics = Array.from(
  { length: 20 },
  (_, i) => `topic-${String(i).padStart(2, '0')}`,
);
const severities = ['critical', 'high', 'normal', 'normal', 'normal', 'low'];
const services = [
  'payments',
  'checkout',
  'search',
  'catalog',
  'billing',
  'ledger',
  'gateway',
  'auth',
];

/*
 * Rows look like a busy inbox: one in three read, twenty topics, a spread of
 * severities, created over the last ninety days. Every 97th title mentions
 * "quasar", which is what the search workload looks for (about 1% of rows).
 */
function inboxRow(user, index, now) {
  const created = new Date(now - (index * 90 * 24 * 3600 * 1000) / 100000);
  const service = services[index % services.length];
  const title =
    index % 97 === 0
      ? `Deployment of quasar-${service} finished (${index})`
      : `Build ${index} of ${service} ${index % 5 === 0 ? 'failed' : 'passed'}`;
  return {
    id: crypto.randomUUID(),
    user,
    title,
    description: `Pipeline run ${index} for the ${service} service. See the build log for details.`,
    severity: severities[index % severities.length],
    link: `/catalog/default/component/${service}`,
    origin: 'plugin:ci',
    scope: null,
    topic: topics[index % topics.length],
    created,
    updated: null,
    read: index % 3 === 0 ? created : null,
    saved: index % 50 === 0 ? created : null,
  };
}

const INBOX_COLUMNS = Object.keys(inboxRow('', 0, 0));
const PG_TYPES = {
  id: 'uuid',
  created: 'timestamptz',
  updated: 'timestamptz',
  read: 'timestamptz',
  saved: 'timestamptz',
  text_id: 'uuid',
};
const isPostgres = db => db.client.config.client === 'pg';

/** Values as each driver binds them: SQLite stores dates as epoch milliseconds, as knex does. */
function columnValues(row, sqlite) {
  return INBOX_COLUMNS.map(column => {
    const value = row[column];
    return sqlite && value instanceof Date ? value.getTime() : value;
  });
}

/*
 * Inbox rows in the cheapest form each database takes them: PostgreSQL one
 * statement with an array per column, SQLite one prepared statement run per
 * row, inside one transaction. The inbox seeding uses it in chunks.
 */
async function insertRowsBare(db, rows) {
  const names = INBOX_COLUMNS.map(column => `"${column}"`).join(', ');
  if (isPostgres(db)) {
    const arrays = INBOX_COLUMNS.map(column => rows.map(row => row[column]));
    await db.raw(
      `INSERT INTO notification (${names}) SELECT * FROM unnest(${INBOX_COLUMNS.map(
        column => `?::${PG_TYPES[column] ?? 'text'}[]`,
      ).join(', ')})`,
      arrays,
    );
    return;
  }
  const connection = await db.client.acquireConnection();
  try {
    const statement = prepared(
      connection,
      `INSERT INTO notification (${names}) VALUES (${INBOX_COLUMNS.map(
        () => '?',
      ).join(', ')})`,
    );
    connection.transaction(() => {
      for (const row of rows) {
        statement.run(columnValues(row, true));
      }
    })();
  } finally {
    await db.client.releaseConnection(connection);
  }
}

async function seedInbox(db, { user, rows, otherUsers, otherRowsPerUser }) {
  const now = Date.now();
  // One short transaction per chunk: the backend keeps working against the
  // same SQLite file and must not wait behind one long write lock.
  const chunkSize = 5000;
  const insertInto = async (owner, count) => {
    for (let start = 0; start < count; start += chunkSize) {
      const chunk = [];
      for (let i = start; i < Math.min(count, start + chunkSize); i++) {
        chunk.push(inboxRow(owner, i, now));
      }
      await insertRowsBare(db, chunk);
    }
  };
  await insertInto(user, rows);
  for (let u = 0; u < otherUsers; u++) {
    await insertInto(`user:default/inbox-neighbour-${u}`, otherRowsPerUser);
  }
  if (isPostgres(db)) {
    // The rows arrive in one burst, straight into the table; a live database's
    // autovacuum would process them moments later. Doing it now gives both
    // backends the same settled table: fresh statistics, and a visibility map
    // that lets counts be answered from indexes alone. Herald's triggers
    // wrote a text per row as well, which its search estimates from.
    await db.raw('VACUUM ANALYZE notification');
    if (await db.schema.hasTable('notification_text')) {
      await db.raw('VACUUM ANALYZE notification_text');
    }
  }
}

/*
 * The storage floor: what the database itself needs for a workload, without
 * a backend in front. The same statements on the same schema and the same
 * rows as the Herald side's database, run from this process. The time of a
 * send's floor is one insert of that many notification rows; an inbox
 * workload's floor is the one indexed query that answers it.
 */
const FLOOR_COLUMNS =
  'id, "user", title, description, severity, link, origin, scope, topic, icon, metadata, created, updated, "read", saved';
const floorQueries = {
  'list-default': `SELECT ${FLOOR_COLUMNS} FROM notification WHERE "user" = ? AND "read" IS NULL ORDER BY created DESC LIMIT 5`,
  'list-all': `SELECT ${FLOOR_COLUMNS} FROM notification WHERE "user" = ? ORDER BY created DESC LIMIT 5`,
  'list-search': `SELECT ${FLOOR_COLUMNS} FROM notification WHERE "user" = ? AND "read" IS NULL AND (lower(title) LIKE '%quasar%' OR lower(description) LIKE '%quasar%') ORDER BY created DESC LIMIT 5`,
  status: `SELECT count(*) AS total, count("read") AS "read" FROM notification WHERE "user" = ?`,
  topics: `SELECT DISTINCT topic FROM notification WHERE "user" = ? AND "read" IS NULL AND topic IS NOT NULL`,
};

const preparedStatements = new WeakMap();

/** SQLite statements compiled once per connection, as a backend keeps them. */
function prepared(connection, sql) {
  let statements = preparedStatements.get(connection);
  if (!statements) {
    statements = new Map();
    preparedStatements.set(connection, statements);
  }
  if (!statements.has(sql)) {
    statements.set(sql, connection.prepare(sql));
  }
  return statements.get(sql);
}

/*
 * A send's rows as the send writes them: its recipients differ, its content
 * and time are shared. Where the schema keeps search texts
 * (`notification_text`), the send's one text is written first and every
 * row names it, as Herald's writer does; a row inserted without one would
 * get a text of its own from a trigger, which no send pays.
 */
async function insertSendBare(db, rows, text, hasTexts) {
  const columns = hasTexts ? [...INBOX_COLUMNS, 'text_id'] : INBOX_COLUMNS;
  const names = columns.map(column => `"${column}"`).join(', ');
  const textValues = [text.id, text.title, text.description];
  if (isPostgres(db)) {
    // One statement; the columns every row shares go as one value each and
    // the others as one array each, the cheapest way PostgreSQL takes them.
    const first = rows[0];
    const varying = ['id', 'user'];
    const shared = columns.filter(column => !varying.includes(column));
    const value = column =>
      column === 'text_id' ? text.id : first[column] ?? null;
    const selected = columns.map(column =>
      varying.includes(column)
        ? `bulk."${column}"`
        : `?::${PG_TYPES[column] ?? 'text'}`,
    );
    const insertText = hasTexts
      ? 'WITH text AS (INSERT INTO notification_text (id, title, description, owner) VALUES (?::uuid, ?, ?, NULL)) '
      : '';
    await db.raw(
      `${insertText}INSERT INTO notification (${names}) SELECT ${selected.join(
        ', ',
      )} FROM unnest(?::uuid[], ?::text[]) AS bulk("id", "user")`,
      [
        ...(hasTexts ? textValues : []),
        ...shared.map(value),
        rows.map(row => row.id),
        rows.map(row => row.user),
      ],
    );
    return;
  }
  const connection = await db.client.acquireConnection();
  try {
    const insertRow = prepared(
      connection,
      `INSERT INTO notification (${names}) VALUES (${columns
        .map(() => '?')
        .join(', ')})`,
    );
    connection.transaction(() => {
      if (hasTexts) {
        prepared(
          connection,
          'INSERT INTO notification_text (id, title, description, owner) VALUES (?, ?, ?, NULL)',
        ).run(textValues);
      }
      for (const row of rows) {
        const values = columnValues(row, true);
        if (hasTexts) {
          values.push(text.id);
        }
        insertRow.run(values);
      }
    })();
  } finally {
    await db.client.releaseConnection(connection);
  }
}

function storageFloor(db) {
  const postgres = isPostgres(db);
  let hasTexts;
  return {
    /**
     * Milliseconds to store the rows of a send to `count` users, in one
     * statement or transaction: one text, one row per user.
     */
    async insert(count, tag) {
      const created = new Date();
      const text = {
        id: crypto.randomUUID(),
        title: `Floor ${tag} is out`,
        description: 'A new release of the payments service was deployed.',
      };
      const rows = Array.from({ length: count }, (_, i) => ({
        id: crypto.randomUUID(),
        user: `user:default/floor-${tag}-${i}`,
        title: text.title,
        description: text.description,
        severity: 'normal',
        link: null,
        origin: 'external:bench',
        scope: null,
        topic: 'releases',
        created,
        updated: null,
        read: null,
        saved: null,
      }));
      hasTexts ??= await db.schema.hasTable('notification_text');
      const started = performance.now();
      await insertSendBare(db, rows, text, hasTexts);
      return performance.now() - started;
    },
    hasQuery: workload => workload in floorQueries,
    /** Milliseconds of one run of the workload's query, rows read to the end. */
    async query(workload, user) {
      const sql = floorQueries[workload];
      const connection = await db.client.acquireConnection();
      try {
        const started = performance.now();
        if (postgres) {
          let index = 0;
          await connection.query(
            sql.replace(/\?/g, () => `$${++index}`),
            [user],
          );
        } else {
          prepared(connection, sql).all(user);
        }
        return performance.now() - started;
      } finally {
        await db.client.releaseConnection(connection);
      }
    },
  };
}

module.exports = {
  createPostgresDatabase,
  postgresWalPosition,
  dropPostgresDatabases,
  insertSendBare,
  notificationsDatabase,
  seedInbox,
  storageFloor,
};
