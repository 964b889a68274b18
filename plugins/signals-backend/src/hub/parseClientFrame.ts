import { ClientFrame } from '@herald/plugin-signals-common';

/**
 * Parses a client frame, returning undefined for anything that is not a
 * well-formed subscribe or unsubscribe frame. An `offset` that is not a
 * non-negative safe integer reads as `null`: the client opted in to offsets
 * but gave none that can be trusted.
 */
export function parseClientFrame(text: string): ClientFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const { action, channel, offset } = value as Record<string, unknown>;
  if (typeof channel !== 'string' || channel.length === 0) {
    return undefined;
  }
  if (action === 'unsubscribe') {
    return { action, channel };
  }
  if (action !== 'subscribe') {
    return undefined;
  }
  if (offset === undefined) {
    return { action, channel };
  }
  if (
    typeof offset === 'number' &&
    Number.isSafeInteger(offset) &&
    offset >= 0
  ) {
    return { action, channel, offset };
  }
  return { action, channel, offset: null };
}
