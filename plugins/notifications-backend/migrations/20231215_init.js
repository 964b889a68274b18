/*
 * The first schema: one row per recipient user. The file name matches the
 * upstream migration so that an upstream database upgrades in place.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification', table => {
    table.uuid('id').primary().notNullable();
    table.string('user', 255).notNullable();
    table.string('title', 255).notNullable();
    table.text('description').nullable();
    table.string('severity', 8).notNullable();
    table.text('link').notNullable();
    table.string('origin', 255).notNullable();
    table.string('scope', 255).nullable();
    table.string('topic', 255).nullable();
    table
      .timestamp('created', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('updated', { useTz: true }).nullable();
    table.timestamp('read', { useTz: true }).nullable();
    table.timestamp('saved', { useTz: true }).nullable();
    table.timestamp('done', { useTz: true }).nullable();
    table.index(['user'], 'notification_user_idx');
    table.index(['scope', 'origin'], 'notification_scope_origin_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification');
};
