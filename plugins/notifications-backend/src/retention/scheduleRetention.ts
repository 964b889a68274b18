import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { RetentionStore } from './RetentionStore';

export async function deleteExpiredNotifications(options: {
  store: RetentionStore;
  retentionMs: number;
  logger: LoggerService;
  now?: Date;
}): Promise<number> {
  const now = options.now ?? new Date();
  const deleted = await options.store.deleteExpired(
    new Date(now.getTime() - options.retentionMs),
  );
  options.logger.info(`Notification cleaner deleted ${deleted} notifications`);
  return deleted;
}

/**
 * Schedules the daily cleanup. The task is global, so with several backend
 * instances only one of them runs it at a time.
 */
export async function scheduleRetention(options: {
  /** How old a notification gets; undefined keeps them forever. */
  retentionMs: number | undefined;
  scheduler: SchedulerService;
  store: RetentionStore;
  logger: LoggerService;
}): Promise<void> {
  const { retentionMs } = options;
  if (retentionMs === undefined) {
    return;
  }
  await options.scheduler.scheduleTask({
    id: 'notification-cleaner',
    frequency: { cron: '0 0 * * *' },
    timeout: { hours: 1 },
    initialDelay: { hours: 1 },
    scope: 'global',
    fn: async () => {
      try {
        await deleteExpiredNotifications({
          store: options.store,
          retentionMs,
          logger: options.logger,
        });
      } catch (error) {
        throw new Error(`Notification cleaner task failed: ${error}`);
      }
    },
  });
}
