import throttle from 'lodash/throttle';
import { useEffect, useMemo, useRef } from 'react';

const COUNTER_PREFIX = /^\(\d+\+?\) /;
const TITLE_WRITE_THROTTLE_MS = 100;

/**
 * Prefixes the document title with "(N) " while N > 0, or "(N, note) "
 * while a `note` is given (the count may be stale), follows title changes
 * made by the app (route changes), and leaves a clean title on unmount.
 */
export function useTitleCounter(
  count: number,
  enabled: boolean,
  note?: string,
) {
  const prefix = note ? `(${count}, ${note}) ` : `(${count}) `;
  const wanted = useRef({ prefix, show: count > 0 || Boolean(note) });
  wanted.current = { prefix, show: count > 0 || Boolean(note) };
  const written = useRef<string | undefined>(undefined);

  const apply = useMemo(() => {
    const strip = (title: string) => {
      const own = written.current;
      if (own && title.startsWith(own)) {
        return title.slice(own.length);
      }
      return title.replace(COUNTER_PREFIX, '');
    };
    return Object.assign(
      throttle(
        () => {
          const base = strip(document.title);
          const next = wanted.current.show
            ? `${wanted.current.prefix}${base}`
            : base;
          written.current = wanted.current.show
            ? wanted.current.prefix
            : undefined;
          if (next !== document.title) {
            document.title = next;
          }
        },
        TITLE_WRITE_THROTTLE_MS,
        { leading: true, trailing: true },
      ),
      { strip },
    );
  }, []);

  useEffect(() => {
    if (enabled) {
      apply();
    }
  }, [apply, prefix, count, enabled]);

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
      document.title = apply.strip(document.title);
      written.current = undefined;
    };
  }, [apply, enabled]);
}
