/* Per-user switches for a channel and origin. */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('user_settings', table => {
    table.string('user', 255).notNullable();
    table.string('channel', 255).notNullable();
    table.string('origin', 255).notNullable();
    table.boolean('enabled').notNullable().defaultTo(true);
    table.index(['user'], 'user_settings_user_idx');
    table.unique(['user', 'channel', 'origin'], {
      indexName: 'user_settings_unique_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('user_settings');
};
