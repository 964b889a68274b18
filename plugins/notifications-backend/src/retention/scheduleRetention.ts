import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readDurationMs } from '@herald/plugin-notifications-common';
import { RetentionStore } from './RetentionStore';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** `notifications.retention` in milliseconds, or undefined when set to `false`. */
export function readRetentionMs(config: Config): number | undefined {
  if (config.getOptional('notifications.retention') === false) {
    return undefined;
  }
  return readDurationMs(config, 'notifications.retention', ONE_YEAR_MS);
}

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
  config: Config;
  scheduler: SchedulerService;
  store: RetentionStore;
  logger: LoggerService;
}): Promise<void> {
  const retentionMs = readRetentionMs(options.config);
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
