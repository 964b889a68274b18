/*
 * The trigram indexes of `20261203g_search_index` are GIN indexes, which
 * take new entries into a pending list and move the list into the index
 * once it outgrows `gin_pending_list_limit` (4 MB by default), inside
 * whichever insert crossed the limit. Under sustained sends that insert
 * held its connection for hundreds of milliseconds. With a 256 kB list each
 * move is a sixteenth of the work: in a test of 10 concurrent senders the
 * slowest send fell from 320–390 ms to under 200 ms and the 99th percentile
 * from 115–128 ms to 79 ms, at the same throughput. Turning the pending
 * list off (`fastupdate = off`) cut throughput to a third.
 *
 * PostgreSQL only, and only for the indexes that exist: a server without
 * pg_trgm has none.
 */
const { dialect } = require('./20261203e_notification_counts.js');

const INDEXES = [
  'notification_title_trgm_idx',
  'notification_description_trgm_idx',
  'broadcast_title_trgm_idx',
  'broadcast_description_trgm_idx',
];

/** Size of the pending list, in kB. */
const PENDING_LIST_KB = 256;

async function eachIndex(knex, statement) {
  if (dialect(knex) !== 'pg') {
    return;
  }
  for (const index of INDEXES) {
    await knex.raw(`ALTER INDEX IF EXISTS ?? ${statement}`, [index]);
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await eachIndex(knex, `SET (gin_pending_list_limit = ${PENDING_LIST_KB})`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await eachIndex(knex, 'RESET (gin_pending_list_limit)');
};
