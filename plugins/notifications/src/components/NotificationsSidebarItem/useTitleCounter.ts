import throttle from 'lodash/throttle';
import { useEffect, useMemo, useRef } from 'react';

const COUNTER_PREFIX = /^\(\d+\+?\) /;
const TITLE_WRITE_THROTTLE_MS = 100;

function stripCounter(title: string): string {
  return title.replace(COUNTER_PREFIX, '');
}

/**
 * Prefixes the document title with "(N) " while N > 0, follows title changes
 * made by the app (route changes), and leaves a clean title on unmount.
 */
export function useTitleCounter(count: number, enabled: boolean) {
  const countRef = useRef(count);
  countRef.current = count;

  const apply = useMemo(
    () =>
      throttle(
        () => {
          const base = stripCounter(document.title);
          const next =
            countRef.current > 0 ? `(${countRef.current}) ${base}` : base;
          if (next !== document.title) {
            document.title = next;
          }
        },
        TITLE_WRITE_THROTTLE_MS,
        { leading: true, trailing: true },
      ),
    [],
  );

  useEffect(() => {
    if (enabled) {
      apply();
    }
  }, [apply, count, enabled]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const titleElement = document.querySelector('title');
    const observer =
      titleElement && typeof MutationObserver !== 'undefined'
        ? new MutationObserver(() => apply())
        : undefined;
    if (titleElement && observer) {
      observer.observe(titleElement, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    }
    return () => {
      observer?.disconnect();
      apply.cancel();
      document.title = stripCounter(document.title);
    };
  }, [apply, enabled]);
}
