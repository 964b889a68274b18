/* Free-form metadata, stored as a JSON string. */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const tableName of ['notification', 'broadcast']) {
    await knex.schema.alterTable(tableName, table => {
      table.text('metadata').nullable();
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const tableName of ['notification', 'broadcast']) {
    await knex.schema.alterTable(tableName, table => {
      table.dropColumn('metadata');
    });
  }
};
