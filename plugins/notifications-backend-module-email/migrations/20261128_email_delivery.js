/*
 * One row per address a notification was emailed to (or permanently refused
 * by the mail server), so that a retried delivery skips those addresses.
 * The key is a hash of notification id, notification version and address,
 * which keeps the unique index small on every database.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_email_delivery', table => {
    table.string('delivery_key', 64).primary();
    table.string('notification_id', 255).notNullable();
    table.string('address', 320).notNullable();
    table.string('outcome', 16).notNullable();
    table.bigInteger('created_at').notNullable();
    table.index(['created_at'], 'notification_email_delivery_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_email_delivery');
};
