import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * The key bytes of a Standard Webhooks secret: `whsec_` followed by base64,
 * as the receiver libraries expect it. Throws with `where` in the message
 * when the secret has another shape.
 */
export function decodeWebhookSecret(secret: string, where: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX)
    ? secret.slice(SECRET_PREFIX.length)
    : undefined;
  const key =
    encoded && /^[A-Za-z0-9+/]+={0,2}$/.test(encoded)
      ? Buffer.from(encoded, 'base64')
      : undefined;
  if (!key || key.length < 24 || key.length > 64) {
    throw new Error(
      `${where} must be 'whsec_' followed by 24 to 64 base64-encoded random bytes`,
    );
  }
  return key;
}

/**
 * The Standard Webhooks headers of one attempt: the message id, the attempt's
 * Unix time in seconds, and `v1,` with the base64 HMAC-SHA256 of
 * `id.timestamp.body`.
 */
export function signWebhook(
  key: Buffer,
  id: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
