import { WebSocket } from 'ws';

/** One open WebSocket and the identity captured at its handshake. */
export class Connection {
  /** Channels this connection is subscribed to, and whether it wants offsets. */
  readonly subscriptions = new Map<string, { withOffsets: boolean }>();
  readonly ownership: ReadonlySet<string>;
  readonly connectedAt = Date.now();
  alive = true;
  closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly userEntityRef: string,
    ownershipEntityRefs: string[],
    /** The hub's arrival counter when this connection opened. */
    readonly connectArrival: number,
  ) {
    this.ownership = new Set([userEntityRef, ...ownershipEntityRefs]);
  }
}
