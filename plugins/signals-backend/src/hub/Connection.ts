import { WebSocket } from 'ws';

/** One open WebSocket and the identity captured at its handshake. */
export class Connection {
  /** Channels this connection is subscribed to, and whether it wants offsets. */
  readonly subscriptions = new Map<string, { withOffsets: boolean }>();
  readonly ownership: ReadonlySet<string>;
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
    this.ownership = new Set([userEntityRef, ...ownershipEntityRefs]);
  }
}
