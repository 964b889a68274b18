import { parseRetryAfterMs } from '@herald/plugin-notifications-node';
import { WebhookEndpoint } from './config';
import { WebhookDeliveryLog } from './deliveryLog';
import { signWebhook } from './signature';

/** What one attempt at a delivery came to. */
export type AttemptResult =
  | { kind: 'delivered'; status: number }
  /** It had arrived before: nothing was sent. */
  | { kind: 'finished' }
  | {
      kind: 'failed';
      reason: string;
      status?: number;
      /** Passes by itself (a 429, a 5xx, a timeout, a connection error). */
      transient: boolean;
      /** The wait the endpoint asked for. */
      retryAfterMs?: number;
    }
  | { kind: 'missing' };

/** Answers after which the same request can succeed once the endpoint recovers. */
const TRANSIENT_4XX = new Set([408, 425, 429]);

/**
 * Sends one logged delivery to its endpoint, signed afresh for each attempt
 * (the timestamp is the attempt's), and records the outcome. Any 2xx counts
 * as received; anything else is retried, after the `Retry-After` the
 * endpoint asked for, if any. A 429, a 5xx or no answer at all is
 * transient: the outbox retries it without spending an attempt.
 */
export class WebhookSender {
  /** When each endpoint said it takes requests again. */
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly options: {
      log: WebhookDeliveryLog;
      requestTimeoutMs: number;
      leaseMs: number;
    },
  ) {}

  async attempt(
    key: string,
    endpoint: WebhookEndpoint,
    { ignoreRetryAfter = false }: { ignoreRetryAfter?: boolean } = {},
  ): Promise<AttemptResult> {
    const { log } = this.options;
    const paused = this.pausedUntil.get(endpoint.id) ?? 0;
    if (!ignoreRetryAfter && paused > Date.now()) {
      return {
        kind: 'failed',
        reason: `the endpoint asked to wait until ${new Date(
          paused,
        ).toISOString()}`,
        transient: true,
        retryAfterMs: paused - Date.now(),
      };
    }
    const claim = await log.take(key, this.options.leaseMs, {
      ignoreNotBefore: ignoreRetryAfter,
    });
    if (claim.kind === 'finished' || claim.kind === 'missing') {
      return claim;
    }
    if (claim.kind === 'wait') {
      return {
        kind: 'failed',
        reason: `sent by another attempt or waiting until ${new Date(
          claim.until,
        ).toISOString()}`,
        transient: true,
      };
    }
    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...signWebhook(endpoint.key, claim.row.webhook_id, claim.row.body),
        },
        body: claim.row.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
    } catch (error) {
      const reason = `request failed: ${String(error)}`;
      await log.release(key, claim.token, { error: reason, notBefore: 0 });
      return { kind: 'failed', reason, transient: true };
    }
    // Read the answer so the connection can be reused, and for the log.
    const text = (await response.text().catch(() => '')).slice(0, 500);
    const status = response.status;
    if (status >= 200 && status < 300) {
      await log.finish(key, claim.token, 'delivered', { status });
      return { kind: 'delivered', status };
    }
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
    const notBefore = Date.now() + (retryAfterMs ?? 0);
    if (retryAfterMs !== undefined) {
      this.pausedUntil.set(endpoint.id, notBefore);
    }
    const reason = `the endpoint answered ${status}${text ? `: ${text}` : ''}`;
    await log.release(key, claim.token, { status, error: reason, notBefore });
    return {
      kind: 'failed',
      reason,
      status,
      transient: status >= 500 || TRANSIENT_4XX.has(status),
      retryAfterMs,
    };
  }
}
