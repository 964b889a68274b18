import { NotificationSignal } from '@herald/plugin-notifications-common';
import throttle from 'lodash/throttle';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVisibleInterval } from './useInterval';
import { useNotificationSignal } from './useNotificationSignal';

/**
 * A counter to put in the dependencies of a load, so the load reruns when
 * notifications change: throttled on every notifications signal, after a
 * resync, when the tab becomes visible again, and on an interval while
 * signals are unavailable (when `pollIntervalMs` is given).
 *
 * A refresh asked for while the caller reported itself busy (`setBusy`,
 * while a load runs) waits for it to end, so a burst of signals never stacks
 * requests, yet the state after the last signal of a burst is always loaded. `onSignal` sees every signal too.
 */
export function useRefreshOnSignal(options: {
  throttleMs: number;
  pollIntervalMs?: number;
  onSignal?: (signal: NotificationSignal) => void;
}) {
  const { throttleMs, pollIntervalMs } = options;
  const onSignal = useRef(options.onSignal);
  onSignal.current = options.onSignal;
  const [refreshCount, setRefreshCount] = useState(0);
  const busyRef = useRef(false);
  const pending = useRef(false);

  /** Reloads now, as after the user's own change. */
  const reload = useCallback(() => setRefreshCount(count => count + 1), []);

  const refresh = useMemo(
    () =>
      throttle(() => {
        if (busyRef.current) {
          pending.current = true;
        } else {
          setRefreshCount(count => count + 1);
        }
      }, throttleMs),
    [throttleMs],
  );
  useEffect(() => () => refresh.cancel(), [refresh]);
  const setBusy = useCallback((busy: boolean) => {
    busyRef.current = busy;
    if (!busy && pending.current) {
      pending.current = false;
      setRefreshCount(count => count + 1);
    }
  }, []);

  const signal = useNotificationSignal(message => {
    refresh();
    onSignal.current?.(message);
  });
  const { resyncCount, needsPolling } = signal;
  useEffect(() => {
    if (resyncCount > 0) {
      refresh();
    }
  }, [resyncCount, refresh]);
  useVisibleInterval(
    refresh,
    pollIntervalMs ?? 0,
    needsPolling && pollIntervalMs !== undefined,
  );
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        refresh();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [refresh]);

  return { refreshCount, refresh, reload, setBusy, signal };
}
