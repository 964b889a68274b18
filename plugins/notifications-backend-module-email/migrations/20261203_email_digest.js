/*
 * Email digests. `notification_email_digest_choice` holds each user's chosen
 * delivery (instant, hourly or daily). `notification_email_digest_queue` holds
 * one row per notification delivery and address waiting for a digest: the
 * outbox delivery id is part of the key, so a retried delivery is queued once.
 * A digest run claims rows with a token and a lease, and marks them sent in
 * the transaction that records the send.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_email_digest_choice', table => {
    table.string('user_ref', 255).primary();
    table.string('frequency', 16).notNullable();
    table.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('notification_email_digest_queue', table => {
    table.string('queue_key', 64).primary();
    table.string('delivery_id', 64).notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('address', 320).notNullable();
    table.text('item').notNullable();
    table.bigInteger('queued_at').notNullable();
    table.bigInteger('due_at').notNullable();
    table.string('status', 16).notNullable();
    table.string('claim_token', 64).nullable();
    table.bigInteger('claimed_until').nullable();
    table.bigInteger('sent_at').nullable();
    table.index(['status', 'due_at'], 'notification_email_digest_due_idx');
    table.index(['claim_token'], 'notification_email_digest_claim_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_email_digest_queue');
  await knex.schema.dropTable('notification_email_digest_choice');
};
