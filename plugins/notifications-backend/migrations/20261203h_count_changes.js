/*
 * On PostgreSQL, the count triggers of `20261203f_inbox_counts` add each
 * statement's changes to the users' rows of `notification_user_count`, and
 * those row locks are held until the sending transaction commits. Sends to
 * overlapping users, which is every busy installation's normal case, then
 * wait for each other's commits one by one.
 *
 * Here the triggers append their changes to `notification_user_count_change`
 * instead: plain inserts, which no other transaction waits for. A reader adds
 * a user's changes to their counts row in one statement, so it sees one
 * consistent snapshot, and a scheduled task calls `notification_count_fold()`
 * to fold the changes into the counts, so each user keeps only a few. The
 * fold deletes the changes it adds up in the same statement, so a reader
 * sees them either as changes or in the counts, never both or neither. SQLite
 * has one writer at a time anyway and keeps updating the counts in place.
 */
const { dialect } = require('./20261203e_notification_counts.js');
const inbox = require('./20261203f_inbox_counts.js');

const COUNTS = 'notification_user_count';
const CHANGES = 'notification_user_count_change';
const { COLUMNS, pgRows } = inbox;

const sums = COLUMNS.map(c => `sum(${c})`).join(', ');

const pgAppend = changes => `
  INSERT INTO ${CHANGES} ("user", ${COLUMNS.join(', ')})
    SELECT "user", ${sums} FROM (${changes}) AS changes
    WHERE "user" IS NOT NULL
    GROUP BY "user"
    HAVING ${COLUMNS.map(c => `sum(${c}) <> 0`).join(' OR ')};`;

const APPENDING_FUNCTIONS = {
  notification_count_insert: pgAppend(pgRows('new_rows', '')),
  notification_count_delete: pgAppend(pgRows('old_rows', '-')),
  notification_count_update: pgAppend(
    `${pgRows('new_rows', '')} UNION ALL ${pgRows('old_rows', '-')}`,
  ),
  notification_count_truncate: `DELETE FROM ${COUNTS}; DELETE FROM ${CHANGES};`,
};

const UPDATING_FUNCTIONS = {
  ...inbox.PG_FUNCTIONS,
  notification_count_truncate: `DELETE FROM ${COUNTS};`,
};

async function replaceFunctions(knex, functions) {
  for (const [name, body] of Object.entries(functions)) {
    await knex.raw(
      `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN ${body} RETURN NULL; END $$`,
    );
  }
}

const FOLD_FUNCTION = 'notification_count_fold';
const FOLD = `
  WITH folded AS (DELETE FROM ${CHANGES} RETURNING *)
  INSERT INTO ${COUNTS} ("user", ${COLUMNS.join(', ')})
    SELECT "user", ${sums} FROM folded GROUP BY "user" ORDER BY "user"
  ON CONFLICT ("user") DO UPDATE SET
    ${COLUMNS.map(c => `${c} = ${COUNTS}.${c} + excluded.${c}`).join(', ')}`;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (dialect(knex) !== 'pg') {
    return;
  }
  await knex.schema.createTable(CHANGES, table => {
    table.string('user', 255).notNullable();
    for (const column of COLUMNS) {
      table.bigInteger(column).notNullable();
    }
    table.index(['user'], `${CHANGES}_user_idx`);
  });
  await replaceFunctions(knex, APPENDING_FUNCTIONS);
  await knex.raw(
    `CREATE FUNCTION ${FOLD_FUNCTION}() RETURNS void LANGUAGE sql AS $$ ${FOLD} $$`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (dialect(knex) !== 'pg') {
    return;
  }
  // Functions first: from here on, changes go to the counts again.
  await replaceFunctions(knex, UPDATING_FUNCTIONS);
  await knex.raw(`SELECT ${FOLD_FUNCTION}()`);
  await knex.raw(`DROP FUNCTION ${FOLD_FUNCTION}()`);
  await knex.schema.dropTable(CHANGES);
};
