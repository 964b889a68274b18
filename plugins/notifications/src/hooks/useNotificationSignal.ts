import { useEffect, useRef, useState } from 'react';
import {
  useSignal,
  useSignalConnectionState,
  useSignalGap,
} from '@herald/plugin-signals-react';
import {
  NOTIFICATIONS_SIGNAL_CHANNEL,
  NotificationSignal,
} from '@herald/plugin-notifications-common';

/**
 * The latest message on the notifications channel, plus what a consumer
 * needs to stay correct when signals are not enough:
 *
 * - `resyncCount` grows whenever signals may have been missed (a reconnect,
 *   or a gap the server could not replay), so state should be refetched;
 * - `needsPolling` is true when no signals arrive: the signals plugin is not
 *   installed, or its connection is down.
 */
export function useNotificationSignal() {
  const { lastSignal, isSignalsAvailable } = useSignal<NotificationSignal>(
    NOTIFICATIONS_SIGNAL_CHANNEL,
  );
  const connection = useSignalConnectionState();
  const [resyncCount, setResyncCount] = useState(0);
  useSignalGap(NOTIFICATIONS_SIGNAL_CHANNEL, () =>
    setResyncCount(count => count + 1),
  );

  const connectedBefore = useRef(false);
  useEffect(() => {
    if (connection !== 'connected') {
      return;
    }
    if (connectedBefore.current) {
      setResyncCount(count => count + 1);
    }
    connectedBefore.current = true;
  }, [connection]);

  const needsPolling =
    !isSignalsAvailable ||
    (connection !== undefined && connection !== 'connected');
  return { lastSignal, isSignalsAvailable, needsPolling, resyncCount };
}
