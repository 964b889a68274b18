import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { notificationToExtendedJson } from '../notificationJson';
import { NotificationSignals } from '../signals/NotificationSignals';
import { NotificationsStore } from '../store/NotificationsStore';
import { ROWS_PER_STATEMENT } from '../store/sql';
import { SnoozeStore } from './SnoozeStore';

/** How often due snoozes are looked for, so a snooze ends at most this late. */
const SNOOZE_WAKE_INTERVAL = { seconds: 30 };

/**
 * Ends every snooze due by `now` and tells each user's clients with the
 * usual `new_notification` signal, so the notification shows again as
 * unread, with a snackbar, wherever the user is signed in. Returns how many
 * snoozes it ended.
 */
export async function wakeSnoozedNotifications(options: {
  snoozes: SnoozeStore;
  store: NotificationsStore;
  signals: NotificationSignals;
  now?: Date;
}): Promise<number> {
  const now = options.now ?? new Date();
  let total = 0;
  for (;;) {
    const woken = await options.snoozes.endDueSnoozes(now, ROWS_PER_STATEMENT);
    total += woken.length;
    const idsByUser = new Map<string, string[]>();
    for (const { user, id } of woken) {
      idsByUser.set(user, [...(idsByUser.get(user) ?? []), id]);
    }
    for (const [user, ids] of idsByUser) {
      for (const notification of await options.store.getMany(user, ids)) {
        await options.signals.publishWoken(
          user,
          notificationToExtendedJson(notification),
        );
      }
    }
    if (woken.length < ROWS_PER_STATEMENT) {
      return total;
    }
  }
}

/**
 * Schedules the wake-up of snoozed notifications. The task is global, so
 * with several backend instances one of them runs it at a time; the rows are
 * claimed under lock besides, so even overlapping runs end a snooze once.
 */
export async function scheduleSnoozeWake(options: {
  scheduler: SchedulerService;
  snoozes: SnoozeStore;
  store: NotificationsStore;
  signals: NotificationSignals;
  logger: LoggerService;
}): Promise<void> {
  const { scheduler, logger } = options;
  await scheduler.scheduleTask({
    id: 'notification-snooze-waker',
    frequency: SNOOZE_WAKE_INTERVAL,
    timeout: { minutes: 5 },
    scope: 'global',
    fn: async () => {
      const woken = await wakeSnoozedNotifications(options);
      if (woken > 0) {
        logger.info(`Ended the snooze of ${woken} notifications`);
      }
    },
  });
}
