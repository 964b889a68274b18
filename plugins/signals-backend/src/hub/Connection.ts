import { WebSocket } from 'ws';

/**
 * One open WebSocket and the identity captured at its handshake. A replica
 * holds tens of thousands of these, mostly idle, so it keeps only what
 * delivery needs, in the smallest structures that do.
 */
export class Connection {
  /**
   * Channels this connection is subscribed to (whether it wants offsets is
   * the {@link SubscriptionIndex}'s), created at the first subscribe and
   * copied on each change, so it is exactly as long as it needs to be.
   */
  channels?: readonly string[];
  /** The user ref and the refs it owns by, each once. */
  readonly ownership: readonly string[];
  readonly connectedAt = Date.now();
  /** Bytes handed to the socket that it has not yet written out. */
  pendingBytes = 0;
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
