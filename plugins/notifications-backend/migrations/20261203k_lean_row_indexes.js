/*
 * Every index on `notification` is written once per recipient of a send, so
 * an index no query needs is paid for on every row. Four of them were:
 *
 * - `notification_user_idx` (upstream's, on `user`): every query by user is
 *   served as well by the indexes that start with `user`.
 * - `notification_scope_origin_idx` (upstream's) and
 *   `notification_user_scope_idx` hold an entry for every row, but only
 *   scoped rows are ever looked up by scope. They become partial indexes of
 *   the rows that have one; a lookup by `scope = ?` implies it is set, so
 *   SQLite and PostgreSQL still use them.
 * - `notification_snoozed_until_idx`: only snoozed rows are looked up by
 *   their time; it becomes partial the same way.
 *
 * SQLite and PostgreSQL, where the row's cost is what limits sends; `down`
 * puts the full indexes back under their names, as upstream expects them.
 */

const { dialect } = require('./20261203e_notification_counts.js');

const PARTIAL = [
  {
    name: 'notification_scope_origin_idx',
    columns: '(scope, origin)',
    where: 'scope IS NOT NULL',
  },
  {
    name: 'notification_user_scope_idx',
    columns: '("user", scope, origin)',
    where: 'scope IS NOT NULL',
  },
  {
    name: 'notification_snoozed_until_idx',
    columns: '(snoozed_until)',
    where: 'snoozed_until IS NOT NULL',
  },
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!dialect(knex)) {
    return;
  }
  await knex.raw('DROP INDEX notification_user_idx');
  for (const { name, columns, where } of PARTIAL) {
    await knex.raw(`DROP INDEX ${name}`);
    await knex.raw(
      `CREATE INDEX ${name} ON notification ${columns} WHERE ${where}`,
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!dialect(knex)) {
    return;
  }
  for (const { name, columns } of PARTIAL) {
    await knex.raw(`DROP INDEX ${name}`);
    await knex.raw(`CREATE INDEX ${name} ON notification ${columns}`);
  }
  await knex.raw('CREATE INDEX notification_user_idx ON notification ("user")');
};
