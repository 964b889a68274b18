import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { IdempotencyKeyStore } from './IdempotencyKeyStore';

/**
 * Deletes expired idempotency keys every hour, so the table holds about a
 * day of sends. Global, so one replica at a time does it.
 */
export async function scheduleIdempotencyKeyCleanup(options: {
  scheduler: SchedulerService;
  store: IdempotencyKeyStore;
  logger: LoggerService;
}): Promise<void> {
  await options.scheduler.scheduleTask({
    id: 'notification-idempotency-key-cleaner',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 5 },
    scope: 'global',
    fn: async () => {
      const deleted = await options.store.deleteExpired(Date.now());
      options.logger.debug(`Deleted ${deleted} expired idempotency keys`);
    },
  });
}
