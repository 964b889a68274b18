/*
 * One row per scaffolder task run the completion notifier knows of. The
 * conditional update of `notified_status` is what lets exactly one replica
 * notify a completion, whichever replicas see the event.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'herald_task_completion_notification',
    table => {
      table.string('task_id', 255).primary();
      table.string('created_by', 255).nullable();
      table.string('template_title', 255).nullable();
      table.boolean('opted_out').notNullable().defaultTo(false);
      table.boolean('cancel_requested').notNullable().defaultTo(false);
      // Null while the run is going; the outcome once it has been notified.
      table.string('notified_status', 16).nullable();
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('herald_task_completion_notification');
};
