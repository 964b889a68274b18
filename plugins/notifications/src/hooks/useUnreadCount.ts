import { useApi } from '@backstage/core-plugin-api';
import { NotificationSignal } from '@herald/plugin-notifications-common';
import { useEffect, useRef, useState } from 'react';
import { notificationsApiRef } from '../api';
import { useVisibleInterval } from './useInterval';
import { useRefreshOnSignal } from './useRefreshOnSignal';

/** Status reads are cheap, but a burst of signals should not cost one each. */
const STATUS_REFRESH_THROTTLE_MS = 500;
/** How soon a failed read is retried, so the count recovers by itself. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The user's unread count, kept current by signals, or by polling every
 * `pollIntervalMs` while signals are unavailable. `onSignal` sees every
 * notifications signal, for components that react to more than the count.
 *
 * A failed read keeps the last known count rather than showing a false
 * zero, and sets `reconnecting` (as does a dropped live connection) until
 * a read succeeds again; failed reads are retried every few seconds.
 */
export function useUnreadCount(
  options: {
    pollIntervalMs?: number;
    onSignal?: (signal: NotificationSignal) => void;
  } = {},
) {
  const api = useApi(notificationsApiRef);
  const { refreshCount, reload, setBusy, signal } = useRefreshOnSignal({
    throttleMs: STATUS_REFRESH_THROTTLE_MS,
    pollIntervalMs: options.pollIntervalMs,
    onSignal: options.onSignal,
  });
  const [unreadCount, setUnreadCount] = useState<number | undefined>();
  const [failed, setFailed] = useState(false);
  const latestRequest = useRef(0);

  useEffect(() => {
    const request = ++latestRequest.current;
    setBusy(true);
    // Done and snoozed notifications are out of the inbox, so not counted.
    api
      .getStatus({ done: false, snoozed: false })
      .then(
        status => {
          if (request === latestRequest.current) {
            setUnreadCount(status.unread);
            setFailed(false);
          }
        },
        () => {
          if (request === latestRequest.current) {
            setFailed(true);
          }
        },
      )
      .finally(() => {
        if (request === latestRequest.current) {
          setBusy(false);
        }
      });
  }, [api, refreshCount, setBusy]);

  useVisibleInterval(reload, RETRY_AFTER_FAILURE_MS, failed);

  return {
    unreadCount,
    reconnecting: failed || signal.reconnecting,
    reload,
    signal,
  };
}
