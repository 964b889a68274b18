/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const tableName of ['notification', 'broadcast']) {
    await knex.schema.alterTable(tableName, table => {
      table.string('icon', 255).nullable();
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const tableName of ['notification', 'broadcast']) {
    await knex.schema.alterTable(tableName, table => {
      table.dropColumn('icon');
    });
  }
};
