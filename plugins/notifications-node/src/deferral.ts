/**
 * Thrown from `postProcess` when a delivery could not be made now for a
 * reason that passes by itself: the receiver asked to wait (a 429 or 503
 * with `Retry-After`), or it is down, overloaded or unreachable (a 5xx, a
 * refused connection, a timeout). Herald's outbox retries the job without
 * spending one of its `maxAttempts`, so an outage of any length ends with
 * the delivery made instead of dead-lettered. Any other error counts
 * towards `maxAttempts` as before.
 *
 * Without `retryAfterMs` the outbox waits about as long again as the job
 * has already waited, between its initial and maximum backoff; with it, at
 * least that long. Hosts that do not know this error (the upstream backend)
 * treat it like any other failure.
 *
 * @public
 */
export class NotificationDeliveryDeferredError extends Error {
  /** How long the receiver asked to wait, in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options?: { retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'NotificationDeliveryDeferredError';
    this.retryAfterMs = options?.retryAfterMs;
  }

  /**
   * Whether `error` is a deferral. Compares the name rather than the class,
   * so a processor built against another copy of this package is still
   * understood.
   */
  static isDeferral(
    error: unknown,
  ): error is NotificationDeliveryDeferredError {
    return (
      error instanceof Error &&
      error.name === 'NotificationDeliveryDeferredError'
    );
  }
}
