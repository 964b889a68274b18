/*
 * The options of a send are stored once, in `notification_outbox_send`, and
 * each outbox job refers to them instead of carrying its own copy: with the
 * recipient list inside the options, a copy per recipient made a send's cost
 * grow with the square of its recipients. A job's `notification` holds only
 * the notification's id and user when the rest equals the send's shared
 * notification, and the whole notification otherwise.
 *
 * Jobs left pending by the earlier version keep their whole notification;
 * their options move to send rows, one per distinct options document.
 */
const { createHash } = require('node:crypto');

/** Old jobs per batch: each may carry a send's whole recipient list. */
const BATCH = 50;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_outbox_send', table => {
    table.string('id', 36).primary();
    table.text('options').notNullable();
    table
      .text('notification')
      .notNullable()
      .comment('What all jobs of the send share, without id and user');
    table.bigInteger('created_at').notNullable();
  });
  await knex.schema.alterTable('notification_outbox', table => {
    table.string('send_id', 36).nullable();
    table.index(['send_id'], 'notification_outbox_send_idx');
  });

  const sendByOptions = new Map();
  for (;;) {
    const jobs = await knex('notification_outbox')
      .select('id', 'options', 'created_at')
      .whereNull('send_id')
      .orderBy('id')
      .limit(BATCH);
    if (jobs.length === 0) {
      break;
    }
    for (const job of jobs) {
      const hash = createHash('sha256').update(job.options).digest('hex');
      let sendId = sendByOptions.get(hash);
      if (!sendId) {
        sendId = job.id;
        await knex('notification_outbox_send').insert({
          id: sendId,
          options: job.options,
          notification: '{}',
          created_at: job.created_at,
        });
        sendByOptions.set(hash, sendId);
      }
      await knex('notification_outbox')
        .where('id', job.id)
        .update({ send_id: sendId });
    }
  }

  await knex.schema.alterTable('notification_outbox', table => {
    table.dropColumn('options');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('notification_outbox', table => {
    table.text('options').nullable();
  });
  let after = '';
  for (;;) {
    const jobs = await knex('notification_outbox')
      .join(
        'notification_outbox_send',
        'notification_outbox_send.id',
        'notification_outbox.send_id',
      )
      .select(
        'notification_outbox.id as id',
        'notification_outbox.notification as notification',
        'notification_outbox_send.options as options',
        'notification_outbox_send.notification as shared',
      )
      .where('notification_outbox.id', '>', after)
      .orderBy('notification_outbox.id')
      .limit(BATCH);
    if (jobs.length === 0) {
      break;
    }
    for (const job of jobs) {
      const own = JSON.parse(job.notification);
      const notification =
        'payload' in own ? own : { ...JSON.parse(job.shared), ...own };
      await knex('notification_outbox')
        .where('id', job.id)
        .update({
          options: job.options,
          notification: JSON.stringify(notification),
        });
    }
    after = jobs[jobs.length - 1].id;
  }
  await knex.schema.alterTable('notification_outbox', table => {
    table.dropIndex(['send_id'], 'notification_outbox_send_idx');
    table.dropColumn('send_id');
  });
  await knex.schema.dropTable('notification_outbox_send');
};
