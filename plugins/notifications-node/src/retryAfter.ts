/**
 * Reads an HTTP `Retry-After` header, as a 429 or 503 answer carries it:
 * a number of seconds or an HTTP date. Returns the delay in milliseconds
 * from `now`, never negative, or undefined when the header is absent or
 * unreadable. Processors that call rate-limited services use it to hold
 * their retries back until the time the service named.
 *
 * @public
 */
export function parseRetryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const trimmed = header?.trim();
  if (!trimmed) {
    return undefined;
  }
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  // An HTTP date names its weekday and month; without letters, Date.parse
  // would take numbers like `1.5` or `-5` for dates.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
