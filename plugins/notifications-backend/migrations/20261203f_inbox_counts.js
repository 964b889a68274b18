/*
 * Extends the per-user counts of `20261203e_notification_counts` with the
 * rows in the inbox (not done, not snoozed: `done IS NULL AND snoozed_until
 * IS NULL`), all and unread, so the inbox page's `totalCount` and badge read
 * one row too. A snooze counts until the task that wakes snoozes clears
 * `snoozed_until`, and the `snoozed` filter means the same, so lists, topics
 * and counts agree.
 *
 * The triggers keep their names and are replaced by ones that also move the
 * inbox columns. A partial index serves the inbox page on SQLite and
 * PostgreSQL; MySQL/MariaDB have no partial indexes and get one that leads
 * with the same columns. MySQL/MariaDB keep counting rows, as before.
 */

const counts = require('./20261203e_notification_counts.js');

const { dialect } = counts;

const COUNTS = 'notification_user_count';
const INBOX_INDEX = 'notification_user_inbox_idx';

/** What one row adds to its user's counts, as SQL truth values of `row`. */
const inboxOf = row => `${row}.done IS NULL AND ${row}.snoozed_until IS NULL`;
const contributions = row => ({
  total: 'TRUE',
  unread: `${row}."read" IS NULL`,
  inbox_total: inboxOf(row),
  inbox_unread: `${inboxOf(row)} AND ${row}."read" IS NULL`,
});
const COLUMNS = Object.keys(contributions('r'));
const columnList = COLUMNS.join(', ');

const sqliteValues = (row, sign) =>
  Object.values(contributions(row))
    .map(condition => `${sign}(${condition})`)
    .join(', ');
const sqliteUpsert = row => `
  INSERT INTO ${COUNTS} ("user", ${columnList})
    SELECT ${row}."user", ${sqliteValues(
  row,
  '',
)} WHERE ${row}."user" IS NOT NULL
    ON CONFLICT ("user") DO UPDATE SET
    ${COLUMNS.map(c => `${c} = ${c} + excluded.${c}`).join(', ')};`;
const sqliteSubtract = row => `
  UPDATE ${COUNTS} SET
    ${COLUMNS.map(c => `${c} = ${c} - (${contributions(row)[c]})`).join(', ')}
    WHERE "user" = ${row}."user";`;
const sqliteChanged = COLUMNS.map(
  c => `(${contributions('OLD')[c]}) <> (${contributions('NEW')[c]})`,
).join(' OR ');

const SQLITE_TRIGGERS = [
  `CREATE TRIGGER notification_count_insert AFTER INSERT ON notification
   WHEN NEW."user" IS NOT NULL
   BEGIN ${sqliteUpsert('NEW')} END`,
  `CREATE TRIGGER notification_count_delete AFTER DELETE ON notification
   WHEN OLD."user" IS NOT NULL
   BEGIN ${sqliteSubtract('OLD')} END`,
  `CREATE TRIGGER notification_count_update
   AFTER UPDATE OF "user", "read", done, snoozed_until ON notification
   WHEN OLD."user" IS NOT NEW."user" OR ${sqliteChanged}
   BEGIN ${sqliteSubtract('OLD')} ${sqliteUpsert('NEW')} END`,
];

/*
 * Changes per user, added to the counts in user order, so two statements
 * updating the same users lock their count rows in the same order.
 */
const pgApply = changes => `
  INSERT INTO ${COUNTS} ("user", ${columnList})
    SELECT "user", ${COLUMNS.map(c => `sum(${c})`).join(', ')}
    FROM (${changes}) AS changes
    WHERE "user" IS NOT NULL
    GROUP BY "user"
    HAVING ${COLUMNS.map(c => `sum(${c}) <> 0`).join(' OR ')}
    ORDER BY "user"
  ON CONFLICT ("user") DO UPDATE SET
    ${COLUMNS.map(c => `${c} = ${COUNTS}.${c} + excluded.${c}`).join(', ')};`;
const pgRows = (table, sign) =>
  `SELECT "user", ${Object.entries(contributions(table))
    .map(
      ([c, condition]) =>
        `CASE WHEN ${condition} THEN ${sign}1 ELSE 0 END AS ${c}`,
    )
    .join(', ')} FROM ${table}`;

const PG_FUNCTIONS = {
  notification_count_insert: pgApply(pgRows('new_rows', '')),
  notification_count_delete: pgApply(pgRows('old_rows', '-')),
  notification_count_update: pgApply(
    `${pgRows('new_rows', '')} UNION ALL ${pgRows('old_rows', '-')}`,
  ),
};

/** The inbox columns from the rows already there. */
async function countInbox(knex) {
  await knex.raw(
    `UPDATE ${COUNTS} SET
       inbox_total = (SELECT count(*) FROM notification n
         WHERE n."user" = ${COUNTS}."user" AND ${inboxOf('n')}),
       inbox_unread = (SELECT count(*) FROM notification n
         WHERE n."user" = ${COUNTS}."user" AND ${inboxOf('n')}
         AND n."read" IS NULL)`,
  );
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const kind = dialect(knex);
  if (!kind) {
    await knex.schema.alterTable('notification', table => {
      table.index(['user', 'done', 'snoozed_until', 'created'], INBOX_INDEX);
    });
    return;
  }
  await knex.raw(
    `CREATE INDEX ${INBOX_INDEX} ON notification ("user", created)
     WHERE done IS NULL AND snoozed_until IS NULL`,
  );
  await knex.schema.alterTable(COUNTS, table => {
    table.bigInteger('inbox_total').notNullable().defaultTo(0);
    table.bigInteger('inbox_unread').notNullable().defaultTo(0);
  });
  if (kind === 'sqlite') {
    for (const name of Object.keys(PG_FUNCTIONS)) {
      await knex.raw(`DROP TRIGGER ${name}`);
    }
    await countInbox(knex);
    for (const trigger of SQLITE_TRIGGERS) {
      await knex.raw(trigger);
    }
    return;
  }
  // Same triggers; only their functions' bodies change. Counted after, in
  // the same transaction, which holds the counts' lock from the ALTER on:
  // a write is either seen by the count or counted by a new function.
  for (const [name, body] of Object.entries(PG_FUNCTIONS)) {
    await knex.raw(
      `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN ${body} RETURN NULL; END $$`,
    );
  }
  await countInbox(knex);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!dialect(knex)) {
    await knex.schema.alterTable('notification', table => {
      table.dropIndex(
        ['user', 'done', 'snoozed_until', 'created'],
        INBOX_INDEX,
      );
    });
    return;
  }
  await knex.raw(`DROP INDEX ${INBOX_INDEX}`);
  // The earlier counts, with their triggers, rebuilt from the rows.
  await counts.down(knex);
  await counts.up(knex);
};

/** For `20261203h_count_changes`, which moves the same changes elsewhere. */
exports.COLUMNS = COLUMNS;
exports.pgRows = pgRows;
exports.PG_FUNCTIONS = PG_FUNCTIONS;
