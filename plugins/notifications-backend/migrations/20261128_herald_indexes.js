/*
 * Indexes for the per-user queries: a user's inbox ordered by creation, the
 * unread count, and finding a user's broadcast receipts. Upstream had only an
 * index on `user`, so listing and counting scanned every row of a user.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('notification', table => {
    table.index(['user', 'created'], 'notification_user_created_idx');
    table.index(['user', 'read'], 'notification_user_read_idx');
    table.index(['user', 'scope', 'origin'], 'notification_user_scope_idx');
  });
  await knex.schema.alterTable('broadcast', table => {
    table.index(['created'], 'broadcast_created_idx');
  });
  await knex.schema.alterTable('broadcast_user_status', table => {
    table.index(['user', 'broadcast_id'], 'broadcast_user_status_user_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('broadcast_user_status', table => {
    table.dropIndex(['user', 'broadcast_id'], 'broadcast_user_status_user_idx');
  });
  await knex.schema.alterTable('broadcast', table => {
    table.dropIndex(['created'], 'broadcast_created_idx');
  });
  await knex.schema.alterTable('notification', table => {
    table.dropIndex(['user', 'scope', 'origin'], 'notification_user_scope_idx');
    table.dropIndex(['user', 'read'], 'notification_user_read_idx');
    table.dropIndex(['user', 'created'], 'notification_user_created_idx');
  });
};
