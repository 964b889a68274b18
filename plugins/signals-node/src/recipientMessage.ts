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

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  // Most fields are strings; comparing those directly keeps a signal to
  // thousands of users from serialising every field of every message.
  if (a === b) {
    return true;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return false;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The keys (recursively) on which all messages agree, in the key order of
 * the first. One pass per key over all messages, rather than folding them
 * pairwise, so a large signal builds no intermediate objects.
 */
function sharedPart(messages: JsonObject[]): JsonObject {
  const shared: JsonObject = {};
  for (const [key, value] of Object.entries(messages[0])) {
    if (isPlainObject(value) && messages.every(other => other[key] === value)) {
      // Kept by reference, so each recipient's diff skips it at once.
      shared[key] = value;
    } else if (isPlainObject(value)) {
      const nested: JsonObject[] = [];
      for (const message of messages) {
        const other = key in message ? message[key] : undefined;
        if (!isPlainObject(other)) {
          break;
        }
        nested.push(other);
      }
      if (nested.length === messages.length) {
        shared[key] = sharedPart(nested);
      }
    } else if (
      messages.every(message => key in message && sameJson(value, message[key]))
    ) {
      shared[key] = value;
    }
  }
  return shared;
}

/**
 * What `message` adds to `shared`; merged back it gives `message`, and
 * nothing when it adds nothing. Called once per recipient, so it allocates
 * only what it returns: a value `message` shares with `shared` by reference
 * is skipped without being walked.
 */
function differences(
  shared: JsonObject,
  message: JsonObject,
): JsonObject | undefined {
  let added: JsonObject | undefined;
  for (const key of Object.keys(message)) {
    const value = message[key];
    const common = shared[key];
    if (value === common && value !== undefined) {
      continue;
    }
    let difference: JsonValue | undefined = value;
    if (isPlainObject(value) && isPlainObject(common)) {
      difference = differences(common, value);
      if (difference === undefined) {
        continue;
      }
    } else if (key in shared && sameJson(value, common)) {
      continue;
    }
    added ??= {};
    added[key] = difference;
  }
  return added;
}

/**
 * The inverse of {@link mergeRecipientMessage} for one signal to many users:
 * given each recipient's complete message, the part all of them share (the
 * signal's `message`) and what each one adds (its `perRecipient` entry).
 * Merging an entry back into the shared message gives that recipient's
 * message again.
 *
 * @public
 */
export function diffRecipientMessages(
  messages: ReadonlyMap<string, JsonObject>,
): { message: JsonObject; perRecipient: { [entityRef: string]: JsonObject } } {
  const all = [...messages.values()];
  if (all.length === 0) {
    return { message: {}, perRecipient: {} };
  }
  const message = sharedPart(all);
  const perRecipient: { [entityRef: string]: JsonObject } = {};
  for (const [entityRef, own] of messages) {
    perRecipient[entityRef] = differences(message, own) ?? {};
  }
  return { message, perRecipient };
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
