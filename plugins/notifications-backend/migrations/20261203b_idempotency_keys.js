/*
 * Idempotency keys of `POST /notifications`, shared by every replica so a
 * retry reaching another instance, or arriving after a restart, finds the
 * first attempt. The primary key is a hash of caller and key, which keeps it
 * short on every database whatever either is. Times are epoch milliseconds so
 * they compare the same way everywhere.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_idempotency_key', table => {
    table.string('id', 64).primary();
    table.string('request_hash', 64).notNullable();
    table.string('state', 16).notNullable();
    table.string('owner', 36).notNullable();
    table.bigInteger('lease_until').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.integer('response_status').nullable();
    // Gzipped: a send to thousands of users answers with megabytes of
    // nearly identical notifications.
    if (String(knex.client.config.client).includes('mysql')) {
      table.specificType('response_body', 'longblob').nullable();
    } else {
      table.binary('response_body').nullable();
    }
    table.index(['expires_at'], 'notification_idempotency_key_expires_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_idempotency_key');
};
