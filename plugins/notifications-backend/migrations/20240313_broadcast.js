/*
 * Broadcasts are stored once and shared by every user; each user's read and
 * saved state lives in broadcast_user_status, created on the first change.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('broadcast', table => {
    table.uuid('id').primary().notNullable();
    table.string('title', 255).notNullable();
    table.text('description').nullable();
    table.string('severity', 8).notNullable();
    table.text('link').nullable();
    table.string('origin', 255).notNullable();
    table.string('scope', 255).nullable();
    table.string('topic', 255).nullable();
    table
      .timestamp('created', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('updated', { useTz: true }).nullable();
    // The index name keeps upstream's spelling so both schemas stay identical.
    table.index(['scope', 'origin'], 'broadcast_cope_origin_idx');
  });

  await knex.schema.createTable('broadcast_user_status', table => {
    table
      .uuid('broadcast_id')
      .notNullable()
      .references('id')
      .inTable('broadcast')
      .onDelete('CASCADE');
    table.string('user', 255).notNullable();
    table.timestamp('read', { useTz: true }).nullable();
    table.timestamp('saved', { useTz: true }).nullable();
    table.unique(['broadcast_id', 'user'], {
      indexName: 'broadcast_user_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('broadcast_user_status');
  await knex.schema.dropTable('broadcast');
};
