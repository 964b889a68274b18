#!/usr/bin/env node
/*
 * Takes a database that Herald's notifications backend migrated back to what
 * the upstream notifications backend expects. Herald's first migrations carry
 * upstream's file names and schema; everything Herald added comes after them.
 * Knex refuses to migrate a database whose `knex_migrations` lists files its
 * migration directory lacks, so this runs the `down` of every applied
 * migration that upstream does not have, newest first, each of which also
 * removes its `knex_migrations` row. Upstream's tables and rows stay.
 */
'use strict';

const path = require('node:path');
const { parseArgs } = require('node:util');

/** The migrations of `@backstage/plugin-notifications-backend`. */
const UPSTREAM_MIGRATIONS = [
  '20231215_init.js',
  '20240221_removeDone.js',
  '20240313_broadcast.js',
  '20240808_settings.js',
  '20240902_addIcon.js',
  '20250317_addTopic.js',
  '20260621_addMetadata.js',
];

const migrationsDirectory = path.resolve(__dirname, '..', 'migrations');

/**
 * Reverts Herald's migrations, newest first.
 *
 * @param {import('knex').Knex} knex the notifications plugin's database
 * @param {{ dryRun?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<string[]>} the migrations reverted, or with `dryRun`
 *   those that would be, newest first
 */
async function revertToUpstream(knex, options = {}) {
  const log = options.log ?? (() => {});
  if (!(await knex.schema.hasTable('knex_migrations'))) {
    throw new Error(
      'No knex_migrations table: this database was never migrated',
    );
  }
  /** @type {string[]} */
  const applied = await knex('knex_migrations')
    .orderBy('id', 'desc')
    .pluck('name');
  const heraldOnly = applied.filter(
    name => !UPSTREAM_MIGRATIONS.includes(name),
  );
  for (const name of heraldOnly) {
    log(`${options.dryRun ? 'Would revert' : 'Reverting'} ${name}`);
    if (!options.dryRun) {
      await knex.migrate.down({ directory: migrationsDirectory, name });
    }
  }
  return heraldOnly;
}

const USAGE = `Usage: herald-notifications-back-to-upstream --client <client> --connection <connection> [--schema <schema>] [--dry-run]

Reverts the migrations Herald's notifications backend added to its database, so
@backstage/plugin-notifications-backend can run against it again.

  --client      knex client: pg, better-sqlite3, sqlite3, mysql2 or mysql
  --connection  connection string (pg, mysql2), or the database file (SQLite)
  --schema      PostgreSQL schema of the plugin, when the backend uses
                pluginDivisionMode: schema
  --dry-run     list what would be reverted, change nothing`;

function connectionFor(client, connection) {
  return client.includes('sqlite') ? { filename: connection } : connection;
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      client: { type: 'string' },
      connection: { type: 'string' },
      schema: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.client || !values.connection) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  // Resolved from the backend installing this package, with its drivers.
  const { knex: createKnex } = require('knex');
  const knex = createKnex({
    client: values.client,
    connection: connectionFor(values.client, values.connection),
    searchPath: values.schema ? [values.schema] : undefined,
    useNullAsDefault: true,
  });
  try {
    const reverted = await revertToUpstream(knex, {
      dryRun: values['dry-run'],
      log: line => process.stdout.write(`${line}\n`),
    });
    if (reverted.length === 0) {
      process.stdout.write(
        'Nothing to revert: only upstream migrations are applied.\n',
      );
    } else if (values['dry-run']) {
      process.stdout.write(`Would revert ${reverted.length} migration(s).\n`);
    } else {
      process.stdout.write(
        `Reverted ${reverted.length} migration(s). The upstream notifications backend can use this database now.\n`,
      );
    }
    return 0;
  } finally {
    await knex.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(
        `${error instanceof Error ? error.message : error}\n`,
      );
      process.exitCode = 1;
    },
  );
}

module.exports = { UPSTREAM_MIGRATIONS, revertToUpstream };
