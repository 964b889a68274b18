/*
 * notification_slack_delivery: one row per (notification version or send,
 * workspace, target). A row is written before the post ("posting") and
 * completed after it ("posted"), so a retry neither skips a post that never
 * happened nor repeats one that did. `uncertain` marks a post that may have
 * reached Slack without an answer; the retry looks for it before posting.
 *
 * notification_slack_message: where the message of a scoped notification
 * went (channel id and ts), so a scoped re-send updates it in place.
 */

const { createDeliveryTable } = require('@herald/plugin-notifications-node');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await createDeliveryTable(knex, 'notification_slack_delivery', {
    columns: table => {
      table.string('notification_id', 255).notNullable();
      table.string('target', 255).notNullable();
      table.string('owner', 64).notNullable();
      table.string('state', 16).notNullable();
      table.boolean('uncertain').notNullable().defaultTo(false);
      table.bigInteger('claimed_at').notNullable();
      table.string('channel', 64).nullable();
      table.string('ts', 64).nullable();
    },
  });
  await knex.schema.createTable('notification_slack_message', table => {
    table.string('scope_key', 64).primary();
    table.string('channel', 64).notNullable();
    table.string('ts', 64).notNullable();
    table.bigInteger('created_at').notNullable();
    table.index(['created_at'], 'notification_slack_message_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_slack_message');
  await knex.schema.dropTable('notification_slack_delivery');
};
