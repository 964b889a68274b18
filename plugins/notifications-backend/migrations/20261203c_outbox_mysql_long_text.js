/*
 * MySQL and MariaDB only. TEXT holds 64 KB, and an outbox row carries a whole
 * notification and a send's options, which a send body of up to
 * `maxRequestBodySize` (1 MB by default) exceeds: with a postProcess processor
 * registered, any send over 64 KB failed with a 500. PostgreSQL and SQLite
 * text has no such limit.
 */

function isMysql(knex) {
  return String(knex.client.config.client).includes('mysql');
}

const LONG_COLUMNS = [
  ['notification_outbox', 'notification'],
  ['notification_outbox_send', 'options'],
  ['notification_outbox_send', 'notification'],
];

async function modifyExisting(knex, type) {
  for (const [table, column] of LONG_COLUMNS) {
    if (await knex.schema.hasColumn(table, column)) {
      await knex.raw(`ALTER TABLE ?? MODIFY ?? ${type} NOT NULL`, [
        table,
        column,
      ]);
    }
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (isMysql(knex)) {
    await modifyExisting(knex, 'LONGTEXT');
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (isMysql(knex)) {
    await modifyExisting(knex, 'TEXT');
  }
};
