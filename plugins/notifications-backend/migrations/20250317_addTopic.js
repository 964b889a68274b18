/*
 * Settings gained a topic level. A nullable topic cannot take part in a
 * portable unique index, so uniqueness moves to a sha256 of
 * `user|channel|origin|topic`.
 */
const { createHash } = require('node:crypto');

function settingsKeyHash(row) {
  return createHash('sha256')
    .update(`${row.user}|${row.channel}|${row.origin}|${row.topic ?? ''}`)
    .digest('hex');
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('user_settings', table => {
    table.string('topic', 255).nullable();
    table.string('settings_key_hash', 64).nullable();
  });

  const rows = await knex('user_settings').select('user', 'channel', 'origin');
  for (const row of rows) {
    await knex('user_settings')
      .where({ user: row.user, channel: row.channel, origin: row.origin })
      .update({ settings_key_hash: settingsKeyHash(row) });
  }

  await knex.schema.alterTable('user_settings', table => {
    table.dropUnique(['user', 'channel', 'origin'], 'user_settings_unique_idx');
  });
  await knex.schema.alterTable('user_settings', table => {
    table.string('settings_key_hash', 64).notNullable().alter();
    table.unique(['settings_key_hash'], {
      indexName: 'user_settings_unique_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex('user_settings').whereNotNull('topic').delete();
  await knex.schema.alterTable('user_settings', table => {
    table.dropUnique(['settings_key_hash'], 'user_settings_unique_idx');
  });
  await knex.schema.alterTable('user_settings', table => {
    table.dropColumn('topic');
    table.dropColumn('settings_key_hash');
    table.unique(['user', 'channel', 'origin'], {
      indexName: 'user_settings_unique_idx',
    });
  });
};
