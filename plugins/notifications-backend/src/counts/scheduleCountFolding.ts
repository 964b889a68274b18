import { SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { isPostgres } from '../store/sql';

/**
 * How often the count changes are folded. A user's counts are read as their
 * row plus their changes, so this bounds how many changes one read adds up:
 * at 100 sends a second to 50 users each, a user gathers about 50.
 */
const FOLD_INTERVAL = { seconds: 10 };

/**
 * Folds the per-user count changes that PostgreSQL's count triggers append
 * (see the `20261203h_count_changes` migration) into the counts, in one
 * statement of the database's own.
 */
export async function foldCountChanges(knex: Knex): Promise<void> {
  await knex.raw('SELECT notification_count_fold()');
}

/**
 * Schedules the folding on PostgreSQL, the one database whose triggers
 * append changes. The task is global, so one instance folds at a time; the
 * fold is safe to overlap with itself besides, since it only deletes what it
 * adds.
 */
export async function scheduleCountFolding(options: {
  knex: Knex;
  scheduler: SchedulerService;
}): Promise<void> {
  if (!isPostgres(options.knex)) {
    return;
  }
  await options.scheduler.scheduleTask({
    id: 'notification-count-fold',
    frequency: FOLD_INTERVAL,
    timeout: { minutes: 1 },
    scope: 'global',
    fn: () => foldCountChanges(options.knex),
  });
}
