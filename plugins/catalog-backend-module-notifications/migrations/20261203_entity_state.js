/*
 * What the notifications module last told owners about each entity. Replicas
 * share it through the catalog's database: a state change is notified by the
 * replica whose conditional update flips the flag, so exactly once.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('herald_catalog_entity_state', table => {
    // Lower-cased entity ref; refs compare case-insensitively in the catalog.
    table.string('entity_ref', 255).primary();
    // The owners were told of the entity, or it was in the catalog before the
    // module was installed.
    table.boolean('discovered').notNullable();
    table.boolean('failing').notNullable().defaultTo(false);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('herald_catalog_entity_state');
};
