import { useEffect, useRef } from 'react';

/**
 * Calls `callback` every `intervalMs` while `enabled` and the tab is visible,
 * and once whenever the tab becomes visible again.
 */
export function useVisibleInterval(
  callback: () => void,
  intervalMs: number,
  enabled: boolean,
) {
  const saved = useRef(callback);
  saved.current = callback;

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const tick = () => {
      if (document.visibilityState !== 'hidden') {
        saved.current();
      }
    };
    const timer = setInterval(tick, intervalMs);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [intervalMs, enabled]);
}
