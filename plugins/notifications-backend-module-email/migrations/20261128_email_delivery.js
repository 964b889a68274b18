/*
 * One row per address a notification was emailed to (or permanently refused
 * by the mail server), so that a retried delivery skips those addresses.
 * The key is a hash of notification id, notification version and address,
 * which keeps the unique index small on every database.
 */

const { createDeliveryTable } = require('@herald/plugin-notifications-node');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await createDeliveryTable(knex, 'notification_email_delivery', {
    columns: table => {
      table.string('notification_id', 255).notNullable();
      table.string('address', 320).notNullable();
      table.string('outcome', 16).notNullable();
    },
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_email_delivery');
};
