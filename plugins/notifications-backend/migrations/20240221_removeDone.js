/* Links became optional and the unused `done` state went away. */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('notification', table => {
    table.text('link').nullable().alter();
    table.dropColumn('done');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('notification', table => {
    table.timestamp('done', { useTz: true }).nullable();
  });
};
