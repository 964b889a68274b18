import { useSignal } from '@herald/plugin-signals-react';
import { NotificationSignal } from '@herald/plugin-notifications-common';

/**
 * The latest message on the notifications channel, and whether signals are
 * installed at all (so callers can fall back to polling).
 */
export function useNotificationSignal() {
  const { lastSignal, isSignalsAvailable } =
    useSignal<NotificationSignal>('notifications');
  return { lastSignal, isSignalsAvailable };
}
