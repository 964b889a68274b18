/*
 * Durable outbox for processor postProcess calls: one row per (processor,
 * notification), written in the same transaction as the notification rows so
 * a crash can never lose a delivery. Times are epoch milliseconds so that
 * claims and leases compare the same way on every database.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_outbox', table => {
    table.string('id', 36).primary();
    table.string('processor', 255).notNullable();
    table.text('notification').notNullable();
    table.text('options').notNullable();
    table.string('status', 16).notNullable().defaultTo('pending');
    table.integer('attempts').notNullable().defaultTo(0);
    table.bigInteger('available_at').notNullable();
    table.string('locked_by', 64).nullable();
    table.bigInteger('locked_until').nullable();
    table.text('last_error').nullable();
    table.bigInteger('created_at').notNullable();
    table.index(['status', 'available_at'], 'notification_outbox_due_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_outbox');
};
