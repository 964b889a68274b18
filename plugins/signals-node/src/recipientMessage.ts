import { JsonObject, JsonValue } from '@backstage/types';

function isPlainObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The message one recipient of a signal receives: its `perRecipient` entry
 * deep-merged into the shared message. Objects merge key by key, anything
 * else replaces, so a publisher can send shared content once and only the
 * differences per user.
 *
 * @public
 */
export function mergeRecipientMessage(
  message: JsonObject,
  additions: JsonObject,
): JsonObject {
  const merged: JsonObject = { ...message };
  for (const [key, value] of Object.entries(additions)) {
    const shared = merged[key];
    merged[key] =
      isPlainObject(shared) && isPlainObject(value)
        ? mergeRecipientMessage(shared, value)
        : value;
  }
  return merged;
}
