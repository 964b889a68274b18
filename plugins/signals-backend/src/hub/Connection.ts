import { WebSocket } from 'ws';

/** The clock of {@link Connection.connectedAt}. */
export const connectionClock = () => Math.floor(performance.now());

/**
 * One open WebSocket and the identity captured at its handshake. A replica
 * holds tens of thousands of these, mostly idle, so it keeps only what
 * delivery needs, in the smallest structures that do.
 */
export class Connection {
  /**
   * Channels this connection is subscribed to, kept by the
   * {@link SubscriptionIndex} with whether it wants offsets: created at the
   * first subscribe and copied on each change, so it is exactly as long as it
   * needs to be, and naming each channel by the index's one copy of its name.
   */
  channels?: readonly string[];
  /** The user ref and the refs it owns by, each once. */
  readonly ownership: readonly string[];
  /**
   * Whole milliseconds since the process started: for the first 24 days of
   * a process (2^31 ms) an integer V8 keeps in the field itself, where a
   * `Date.now()` costs each connection a boxed number of 16 bytes.
   */
  readonly connectedAt = connectionClock();
  /**
   * The bytes queued in its socket when the hub last looked, as counted in
   * the replica's total: read after each write, so it is current for a
   * connection the hub writes to and may be high for one that has drained
   * since.
   */
  queuedBytes = 0;
  alive = true;
  closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly userEntityRef: string,
    ownershipEntityRefs: string[],
    /** The replay buffers' arrival counter when this connection opened. */
    readonly connectArrival: number,
  ) {
    // A handful of refs: an array is smaller than a set and as fast to search.
    this.ownership = [...new Set([userEntityRef, ...ownershipEntityRefs])];
  }
}
