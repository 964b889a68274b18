// @ts-check

/**
 * Large signals (a send to 100,000 users publishes one of about 20 MB) are
 * stored out of line and compressed. PostgreSQL's default compression, pglz,
 * took 0.24 s to store such a payload and 0.14 s to read it back; lz4 took
 * 0.06 s for each. lz4 exists from PostgreSQL 14 on, in builds made with it;
 * elsewhere the column keeps the server's default.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await hasLz4(knex)) {
    await knex.raw(
      'ALTER TABLE signals_log ALTER COLUMN payload SET COMPRESSION lz4',
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (await hasLz4(knex)) {
    await knex.raw(
      'ALTER TABLE signals_log ALTER COLUMN payload SET COMPRESSION default',
    );
  }
};

/**
 * Whether the server can compress with lz4.
 *
 * @param {import('knex').Knex} knex
 */
async function hasLz4(knex) {
  const { rows } = await knex.raw(
    `SELECT 1 FROM pg_settings
     WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  );
  return rows.length > 0;
}

exports.hasLz4 = hasLz4;
