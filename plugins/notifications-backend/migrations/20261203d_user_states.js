/*
 * Herald's done and snooze states and the reasons a user was reached. The
 * columns are added, never changed, so an upstream database upgrades in place
 * and the upstream backend still reads every row after `down`. A user's state
 * of a broadcast lives beside their read and saved state in
 * `broadcast_user_status`; a broadcast's reason is always `broadcast`, so it
 * is not stored.
 *
 * `snoozed_until` is indexed on both tables for the task that wakes snoozes:
 * it looks for the few rows whose time has come among all the others.
 */

function timestamp(knex, table, name) {
  // MySQL's plain TIMESTAMP keeps whole seconds; the other columns have 3 digits.
  if (String(knex.client.config.client).includes('mysql')) {
    table.specificType(name, 'TIMESTAMP(3) NULL');
  } else {
    table.timestamp(name, { useTz: true }).nullable();
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('notification', table => {
    timestamp(knex, table, 'done');
    timestamp(knex, table, 'snoozed_until');
    // JSON array of reasons, as resolved at send time; null when unknown.
    table.text('reasons').nullable();
    table.index(['snoozed_until'], 'notification_snoozed_until_idx');
  });
  await knex.schema.alterTable('broadcast_user_status', table => {
    timestamp(knex, table, 'done');
    timestamp(knex, table, 'snoozed_until');
    table.index(['snoozed_until'], 'broadcast_user_status_snoozed_until_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('broadcast_user_status', table => {
    table.dropIndex(
      ['snoozed_until'],
      'broadcast_user_status_snoozed_until_idx',
    );
    table.dropColumn('snoozed_until');
    table.dropColumn('done');
  });
  await knex.schema.alterTable('notification', table => {
    table.dropIndex(['snoozed_until'], 'notification_snoozed_until_idx');
    table.dropColumn('reasons');
    table.dropColumn('snoozed_until');
    table.dropColumn('done');
  });
};
