/**
 * Wire protocol shared by the Herald signals backend and browser client.
 *
 * The upstream protocol is kept exactly: clients send `subscribe` and
 * `unsubscribe` frames and receive `{channel, message}` frames. Everything
 * else here is an opt-in extension: a client that puts an `offset` key
 * (a number or `null`) in its subscribe frame receives, for that channel,
 * signal frames that carry their `offset`, a `subscribed` acknowledgement
 * with the channel head and, when missed signals can no longer be replayed,
 * a `gap` frame. Clients that never send `offset` never see those.
 *
 * @packageDocumentation
 */

import { JsonObject } from '@backstage/types';

/**
 * Position of a signal within its channel. Offsets start at 1 and grow by one
 * for every signal published on the channel, across all backend replicas.
 * @public
 */
export type SignalOffset = number;

/**
 * Subscribe to a channel. `offset` is the Herald extension: the last offset
 * the client has seen on this channel (signals after it are replayed), or
 * `null` for a client that wants offsets but has seen nothing yet.
 * @public
 */
export type SubscribeFrame = {
  action: 'subscribe';
  channel: string;
  offset?: SignalOffset | null;
};

/** @public */
export type UnsubscribeFrame = {
  action: 'unsubscribe';
  channel: string;
};

/** @public */
export type ClientFrame = SubscribeFrame | UnsubscribeFrame;

/**
 * A delivered signal. `offset` is present only on channels the client
 * subscribed to with an offset.
 * @public
 */
export type SignalFrame<TMessage extends JsonObject = JsonObject> = {
  channel: string;
  message: TMessage;
  offset?: SignalOffset;
};

/**
 * Sent once per opted-in subscribe, after any replayed signals: the client is
 * up to date with the channel at `offset`.
 * @public
 */
export type SubscribedFrame = {
  channel: string;
  event: 'subscribed';
  offset: SignalOffset;
};

/**
 * Signals between the client's offset and `offset` can no longer be replayed.
 * The client should refetch whatever state it derives from the channel and
 * continue from `offset`.
 * @public
 */
export type GapFrame = {
  channel: string;
  event: 'gap';
  offset: SignalOffset;
};

/** @public */
export type ServerFrame = SignalFrame | SubscribedFrame | GapFrame;

/**
 * Close codes the Herald backend uses when it ends a connection on purpose.
 * None of them is 1000 or 1001, the two codes after which the upstream
 * browser client stays disconnected, so every client reconnects and resumes.
 * @public
 */
export const SignalCloseCodes = {
  /** The client did not read fast enough and its send buffer overflowed. */
  slowConsumer: 1013,
  /**
   * The replica holds as many subscriptions as it may: try again later,
   * possibly on another replica.
   */
  capacityReached: 1013,
  /**
   * The client broke a limit that retrying will not fix, such as a channel
   * name above the maximum length.
   */
  policyViolation: 1008,
  /** The backend is stopping (a restart or deploy): reconnect shortly. */
  serviceRestart: 1012,
} as const;
