'use strict';

/*
 * Database work the benchmark does behind the backends' backs: dedicated
 * PostgreSQL databases per run, and the 100,000-row inbox written straight into
 * the `notification` table (same upstream schema on both sides).
 */
const crypto = require('node:crypto');
const path = require('node:path');
const knexFactory = require('knex');

function postgresAdmin(postgresUrl) {
  return knexFactory({
    client: 'pg',
    connection: postgresUrl,
    pool: { min: 0, max: 1 },
  });
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

function notificationsDatabase(
  engine,
  { sqliteDirectory, postgresUrl, prefix },
) {
  if (engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: {
        filename: path.join(sqliteDirectory, 'notifications.sqlite'),
      },
      useNullAsDefault: true,
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

async function seedInbox(db, { user, rows, otherUsers, otherRowsPerUser }) {
  const now = Date.now();
  const chunkSize = 500;
  // One short transaction per chunk: the backend keeps working against the
  // same SQLite file and must not wait behind one long write lock.
  const insertInto = async (owner, count) => {
    for (let start = 0; start < count; start += chunkSize) {
      const chunk = [];
      for (let i = start; i < Math.min(count, start + chunkSize); i++) {
        chunk.push(inboxRow(owner, i, now));
      }
      await db('notification').insert(chunk);
    }
  };
  await insertInto(user, rows);
  for (let u = 0; u < otherUsers; u++) {
    await insertInto(`user:default/inbox-neighbour-${u}`, otherRowsPerUser);
  }
  if (db.client.config.client === 'pg') {
    // The rows arrive in one burst, straight into the table; a live database's
    // autovacuum would process them moments later. Doing it now gives both
    // backends the same settled table: fresh statistics, and a visibility map
    // that lets counts be answered from indexes alone.
    await db.raw('VACUUM ANALYZE notification');
  }
}

module.exports = { dropPostgresDatabases, notificationsDatabase, seedInbox };
