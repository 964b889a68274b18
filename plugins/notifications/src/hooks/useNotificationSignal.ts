import { useApiHolder } from '@backstage/core-plugin-api';
import { useEffect, useRef, useState } from 'react';
import {
  signalApiRef,
  useSignalConnectionState,
  useSignalGap,
} from '@herald/plugin-signals-react';
import {
  NOTIFICATIONS_SIGNAL_CHANNEL,
  NotificationSignal,
} from '@herald/plugin-notifications-common';

/**
 * Calls `onSignal` for every message on the notifications channel, and
 * reports what a consumer needs to stay correct when signals are not enough:
 *
 * - `resyncCount` grows whenever signals may have been missed (a reconnect,
 *   or a gap the server could not replay), so state should be refetched;
 * - `needsPolling` is true when no signals arrive: the signals plugin is not
 *   installed, or its connection is down;
 * - `disconnected` is true while an installed signals connection is down;
 * - `reconnecting` is true while it is down after having been up, which is
 *   what a user should be told about (not the first connect of a page).
 *
 * Messages go to a callback rather than into state because a burst delivers
 * many of them in one tick, and state would keep only the last.
 */
export function useNotificationSignal(
  onSignal?: (signal: NotificationSignal) => void,
) {
  const signals = useApiHolder().get(signalApiRef);
  const latest = useRef(onSignal);
  latest.current = onSignal;
  useEffect(() => {
    if (!signals) {
      return undefined;
    }
    const subscription = signals.subscribe<NotificationSignal>(
      NOTIFICATIONS_SIGNAL_CHANNEL,
      message => {
        if (message && typeof message === 'object' && 'action' in message) {
          latest.current?.(message);
        }
      },
    );
    return () => subscription.unsubscribe();
  }, [signals]);

  const connection = useSignalConnectionState();
  const [resyncCount, setResyncCount] = useState(0);
  useSignalGap(NOTIFICATIONS_SIGNAL_CHANNEL, () =>
    setResyncCount(count => count + 1),
  );

  const [connectedBefore, setConnectedBefore] = useState(false);
  useEffect(() => {
    if (connection !== 'connected') {
      return;
    }
    if (connectedBefore) {
      setResyncCount(count => count + 1);
    }
    setConnectedBefore(true);
    // Only a change of the connection state counts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection]);

  const disconnected =
    Boolean(signals) && connection !== undefined && connection !== 'connected';
  const needsPolling = !signals || disconnected;
  return {
    isSignalsAvailable: Boolean(signals),
    needsPolling,
    disconnected,
    reconnecting: disconnected && connectedBefore,
    resyncCount,
  };
}
