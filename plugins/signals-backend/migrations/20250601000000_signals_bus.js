// @ts-check

/**
 * Tables of the PostgreSQL signal bus. They are only created when the bus is
 * in use, which needs a PostgreSQL plugin database.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('signals_channel_offsets', table => {
    table.comment('The last offset assigned on each signal channel');
    table.text('channel').primary();
    table.bigInteger('last_offset').notNullable();
  });
  await knex.schema.createTable('signals_log', table => {
    table.comment(
      'Recently published signals: large payloads, listener catch-up and replay for replicas that start later',
    );
    table.bigIncrements('id').primary();
    table.text('channel').notNullable();
    table.bigInteger('channel_offset').notNullable();
    table.text('payload').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['created_at'], 'signals_log_created_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('signals_log');
  await knex.schema.dropTable('signals_channel_offsets');
};
