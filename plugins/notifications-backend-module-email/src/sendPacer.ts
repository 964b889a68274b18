import pThrottle from 'p-throttle';

/**
 * Lets at most `limit` messages start within any sliding window of
 * `intervalMs` (p-throttle's strict mode; its default counts per fixed
 * window and lets twice the limit through around a window edge). One pacer
 * is shared by every postProcess call, so the mail server sees one rate
 * however many notifications are in flight.
 */
export function createSendPacer(options: {
  limit: number;
  intervalMs: number;
}): () => Promise<void> {
  return pThrottle({
    limit: options.limit,
    interval: options.intervalMs,
    strict: true,
  })(() => undefined);
}
