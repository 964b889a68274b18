/**
 * The requests that reached a receiver while the `Retry-After` of its 429
 * answer `limited` ran: from `inFlightMs` after it, which allows for
 * requests already on their way when it came, until `retryAfterMs` after
 * it. A client that honours `Retry-After` leaves it empty.
 */
export function requestsDuringRetryAfter<T extends { at: number }>(
  requests: T[],
  limited: { at: number },
  retryAfterMs: number,
  inFlightMs = 250,
): T[] {
  return requests.filter(
    r => r.at > limited.at + inFlightMs && r.at < limited.at + retryAfterMs,
  );
}
