import { parseRetryAfterMs } from '@herald/plugin-notifications-node';

/** What one POST to a Workflows webhook came to. */
export type PostOutcome =
  | { kind: 'delivered'; status: number }
  /** The webhook will never take this card (a deleted flow, a refused card). */
  | { kind: 'rejected'; status: number; error: string }
  | { kind: 'failed'; status?: number; error: string; retryAfterMs?: number };

/** Statuses after which posting the same card again can work. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/**
 * POSTs a JSON body to a Workflows webhook. Power Automate answers 202 once
 * it has queued the flow run; any 2xx counts as delivered.
 */
export async function postCard(
  url: string,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'failed', error: `request failed: ${String(error)}` };
  }
  // Read the answer so the connection can be reused, and for the log.
  const text = (await response.text().catch(() => '')).slice(0, 500);
  const status = response.status;
  if (status >= 200 && status < 300) {
    return { kind: 'delivered', status };
  }
  const error = `Teams answered ${status}${text ? `: ${text}` : ''}`;
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
    return { kind: 'rejected', status, error };
  }
  return {
    kind: 'failed',
    status,
    error,
    retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')),
  };
}
