/*
 * An outbox row may hold a batch of one processor's deliveries of a send:
 * `deliveries` is their number, and `notification` a JSON array of what each
 * job's own `notification` would hold. A send writes one such row per
 * processor and batch of recipients instead of one row per delivery; the
 * worker turns a batch into its jobs when it claims it, after the send has
 * answered. Null for a single job, as every row written before.
 */

const { randomUUID } = require('node:crypto');

/** Batches expanded per round when rolling back, each into its own rows. */
const ROLLBACK_BATCHES = 10;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('notification_outbox', table => {
    table
      .integer('deliveries')
      .nullable()
      .comment('Deliveries in this batch row; null for a single job');
  });
};

/**
 * The earlier version reads one delivery per row, so pending batches become
 * their jobs before the column goes.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (;;) {
    const batches = await knex('notification_outbox')
      .select('*')
      .whereNotNull('deliveries')
      .limit(ROLLBACK_BATCHES);
    if (batches.length === 0) {
      break;
    }
    for (const batch of batches) {
      await knex.transaction(async trx => {
        await trx('notification_outbox').where('id', batch.id).delete();
        const jobs = JSON.parse(batch.notification).map(own => ({
          ...batch,
          id: randomUUID(),
          notification: JSON.stringify(own),
          deliveries: null,
          // A claim of the batch was not an attempt at any of its deliveries.
          attempts: 0,
          locked_by: null,
          locked_until: null,
        }));
        await knex
          .batchInsert('notification_outbox', jobs, 100)
          .transacting(trx);
      });
    }
  }
  await knex.schema.alterTable('notification_outbox', table => {
    table.dropColumn('deliveries');
  });
};
