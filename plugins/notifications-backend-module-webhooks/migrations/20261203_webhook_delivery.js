/*
 * One row per (delivery, endpoint) pair: the signed body as first built, so
 * every retry and a manual re-delivery send the same message, whether it
 * arrived, and who is sending it right now. The key is a hash of the
 * delivery id and the endpoint id, which keeps the unique index small on
 * every database.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_webhook_delivery', table => {
    table.string('delivery_key', 64).primary();
    table.string('webhook_id', 255).notNullable();
    table.string('notification_id', 255).notNullable();
    table.string('endpoint_id', 255).notNullable();
    table.text('body').notNullable();
    table.string('status', 16).notNullable();
    table.integer('attempts').notNullable();
    table.bigInteger('not_before').notNullable();
    table.bigInteger('lease_until').notNullable();
    table.string('lease_token', 36).nullable();
    table.integer('last_status').nullable();
    table.text('last_error').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.index(
      ['status', 'created_at'],
      'notification_webhook_delivery_status_idx',
    );
    table.index(['created_at'], 'notification_webhook_delivery_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_webhook_delivery');
};
