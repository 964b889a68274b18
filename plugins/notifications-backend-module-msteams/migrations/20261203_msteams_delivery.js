/*
 * One row per (send, Teams webhook) pair: whether the card was posted, and
 * who is posting it right now. The jobs of one send (one per recipient)
 * share the row, so a channel gets the card once however many members the
 * send reached. The key is a hash, which keeps the unique index small on
 * every database.
 */

const { createDeliveryTable } = require('@herald/plugin-notifications-node');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await createDeliveryTable(knex, 'notification_msteams_delivery', {
    leased: true,
    columns: table => {
      table.string('notification_id', 255).notNullable();
      table.string('target', 255).notNullable();
    },
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_msteams_delivery');
};
