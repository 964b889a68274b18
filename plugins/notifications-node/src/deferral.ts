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

/**
 * What a processor that delivers to several targets throws when some of
 * them failed: a {@link NotificationDeliveryDeferredError} wrapping `error`
 * when every failure is transient, waiting for the longest `retryAfterMs`
 * among them, so an outage or rate limit never dead-letters the job; else
 * `error` itself, which counts towards the outbox's attempts.
 *
 * @public
 */
export function deferWhenTransient(
  error: Error,
  failures: Array<{ transient: boolean; retryAfterMs?: number }>,
): Error {
  let retryAfterMs: number | undefined;
  for (const failure of failures) {
    if (!failure.transient) {
      return error;
    }
    if (failure.retryAfterMs !== undefined) {
      retryAfterMs = Math.max(retryAfterMs ?? 0, failure.retryAfterMs);
    }
  }
  return new NotificationDeliveryDeferredError(error.message, {
    retryAfterMs,
    cause: error,
  });
}

/**
 * The first three failed targets of a delivery with their reasons, as
 * `target: reason; ...`, for the message of the error a processor throws
 * when some of its targets failed.
 *
 * @public
 */
export function describeFailedTargets(
  failures: Array<{ target: string; reason: string }>,
): string {
  return failures
    .slice(0, 3)
    .map(f => `${f.target}: ${f.reason}`)
    .join('; ');
}
