import { JsonObject, JsonValue } from '@backstage/types';
import { SignalPayload } from './types';

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

/**
 * The same signal as plain signals that need no `perRecipient` support: one
 * per listed recipient with an entry, carrying that user's merged message,
 * and one with the shared message for the other recipients. Without
 * membership data a publisher cannot tell which users a group ref reaches, so
 * those get the shared message, as does a broadcast, which cannot leave
 * anyone out.
 *
 * @public
 */
export function splitPerRecipient<TMessage extends JsonObject = JsonObject>(
  signal: SignalPayload<TMessage>,
): SignalPayload[] {
  const { perRecipient, ...plain } = signal;
  if (!perRecipient || signal.recipients.type !== 'user') {
    return [plain];
  }
  const refs = signal.recipients.entityRef;
  const signals: SignalPayload[] = [];
  const others: string[] = [];
  for (const ref of new Set(Array.isArray(refs) ? refs : [refs])) {
    const additions = Object.prototype.hasOwnProperty.call(perRecipient, ref)
      ? perRecipient[ref]
      : undefined;
    if (additions) {
      signals.push({
        recipients: { type: 'user', entityRef: ref },
        channel: signal.channel,
        message: mergeRecipientMessage(signal.message, additions),
      });
    } else {
      others.push(ref);
    }
  }
  if (others.length > 0) {
    signals.push({ ...plain, recipients: { type: 'user', entityRef: others } });
  }
  return signals;
}
