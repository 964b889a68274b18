/*
 * One row per (delivery, endpoint) pair: the signed body as first built, so
 * every retry and a manual re-delivery send the same message, whether it
 * arrived, and who is sending it right now. The key is a hash of the
 * delivery id and the endpoint id, which keeps the unique index small on
 * every database.
 */

const { createDeliveryTable } = require('@herald/plugin-notifications-node');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await createDeliveryTable(knex, 'notification_webhook_delivery', {
    leased: true,
    columns: table => {
      table.string('webhook_id', 255).notNullable();
      table.string('notification_id', 255).notNullable();
      table.string('endpoint_id', 255).notNullable();
      table.text('body').notNullable();
      table.index(
        ['status', 'created_at'],
        'notification_webhook_delivery_status_idx',
      );
    },
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_webhook_delivery');
};
