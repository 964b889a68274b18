/*
 * One row per (send, Teams webhook) pair: whether the card was posted, and
 * who is posting it right now. The jobs of one send (one per recipient)
 * share the row, so a channel gets the card once however many members the
 * send reached. The key is a hash, which keeps the unique index small on
 * every database.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_msteams_delivery', table => {
    table.string('delivery_key', 64).primary();
    table.string('notification_id', 255).notNullable();
    table.string('target', 255).notNullable();
    table.string('status', 16).notNullable();
    table.integer('attempts').notNullable();
    table.bigInteger('not_before').notNullable();
    table.bigInteger('lease_until').notNullable();
    table.string('lease_token', 36).nullable();
    table.integer('last_status').nullable();
    table.text('last_error').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.index(['created_at'], 'notification_msteams_delivery_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_msteams_delivery');
};
