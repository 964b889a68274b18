// Checked by `yarn tsc` only, never run: upstream's documented way to read the
// notifications channel must keep compiling against Herald's packages.
import {
  NewNotificationSignal,
  NotificationSignal,
} from '@herald/plugin-notifications-common';
import { useSignal } from '@herald/plugin-signals-react';

export function useUpstreamShapedSignal(): string[] {
  const { lastSignal } = useSignal<NotificationSignal>('notifications');
  if (!lastSignal) {
    return [];
  }
  if (lastSignal.action === 'new_notification') {
    const created: string | undefined = lastSignal.notification?.created;
    return created ? [lastSignal.notification_id, created] : [];
  }
  return lastSignal.notification_ids;
}

export function useNewNotificationSignal() {
  return useSignal<NewNotificationSignal>('notifications').lastSignal;
}
