import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClientFrame,
  SignalCloseCodes,
  parseClientFrame,
} from '@herald/plugin-signals-common';
import { mergeRecipientMessage } from '@herald/plugin-signals-node';
import { JsonObject } from '@backstage/types';
import { WebSocket, RawData } from 'ws';
import { SequencedSignal } from '../bus/types';
import { SignalsOptions } from '../options';
import { Connection } from './Connection';
import { BufferedSignal, ReplayBuffer } from './ReplayBuffer';

/** Subscribers of one channel, indexed by each ownership ref they hold. */
type ChannelIndex = {
  all: Set<Connection>;
  byRef: Map<string, Set<Connection>>;
};

/** The frames one signal turns into, built at most once per variant. */
type EncodedFrames = { plain?: Buffer; withOffset?: Buffer };

const hasOwn = Object.prototype.hasOwnProperty;

/** The refs a user-targeted signal goes to; any other type reaches nobody. */
function userRecipientRefs(
  recipients: SequencedSignal['recipients'],
): string[] {
  if (recipients.type !== 'user') {
    return [];
  }
  return Array.isArray(recipients.entityRef)
    ? recipients.entityRef
    : [recipients.entityRef];
}

/**
 * Holds this replica's connections and delivers each signal only to the
 * connections subscribed to its channel that hold one of its recipient refs,
 * so delivery costs work in proportion to the receiving sockets.
 */
export class SignalHub {
  private readonly connections = new Set<Connection>();
  private readonly perUser = new Map<string, number>();
  private readonly channels = new Map<string, ChannelIndex>();
  private readonly buffers = new Map<string, ReplayBuffer>();
  private arrival = 0;
  /** Subscriptions of all connections, against the replica's cap. */
  private subscriptionCount = 0;
  /** Pending bytes of all open connections, against the replica's cap. */
  private bufferedBytes = 0;
  private pingTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: Pick<
      SignalsOptions,
      | 'maxSubscriptionsPerConnection'
      | 'maxBufferedBytes'
      | 'maxChannelNameLength'
      | 'maxSubscriptionsPerReplica'
      | 'maxBufferedBytesPerReplica'
      | 'pingIntervalMs'
      | 'subscribeGraceMs'
      | 'replayBufferSize'
    >,
    private readonly logger: LoggerService,
  ) {}

  get connectionCount() {
    return this.connections.size;
  }

  connectionsOf(userEntityRef: string) {
    return this.perUser.get(userEntityRef) ?? 0;
  }

  startHeartbeat() {
    this.pingTimer ??= setInterval(
      () => this.heartbeat(),
      this.options.pingIntervalMs,
    );
    this.pingTimer.unref?.();
  }

  /**
   * Closes every connection with "service restart", which upstream's browser
   * client and Herald's both answer by reconnecting, to another replica or to
   * this one once it is back.
   */
  shutdown() {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    for (const connection of [...this.connections]) {
      connection.socket.close(
        SignalCloseCodes.serviceRestart,
        'Server restart',
      );
      this.remove(connection);
    }
  }

  /** Takes over an upgraded socket. */
  add(socket: WebSocket, userEntityRef: string, ownershipEntityRefs: string[]) {
    const connection = new Connection(
      socket,
      userEntityRef,
      ownershipEntityRefs,
      this.arrival,
    );
    this.connections.add(connection);
    this.perUser.set(userEntityRef, this.connectionsOf(userEntityRef) + 1);

    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        this.onFrame(connection, data);
      }
    });
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('ping', () => {
      connection.alive = true;
    });
    socket.on('close', () => this.remove(connection));
    socket.on('error', error => {
      this.logger.debug(`Signals connection error: ${error.message}`);
      socket.terminate();
      this.remove(connection);
    });
    return connection;
  }

  /** Remembers a signal from the bus and sends it to its recipients. */
  deliver(signal: SequencedSignal) {
    const entry = this.remember(signal);
    if (!entry) {
      return;
    }
    const index = this.channels.get(signal.channel);
    if (!index) {
      return;
    }
    const frames = new Map<string, EncodedFrames>();
    for (const connection of this.targets(index, signal)) {
      this.send(connection, signal, frames);
    }
  }

  /** Fills the replay buffers without delivering, for a replica that starts late. */
  preload(signals: SequencedSignal[]) {
    for (const signal of signals) {
      this.remember(signal);
    }
  }

  private remember(signal: SequencedSignal): BufferedSignal | undefined {
    let buffer = this.buffers.get(signal.channel);
    if (!buffer) {
      buffer = new ReplayBuffer(this.options.replayBufferSize);
      this.buffers.set(signal.channel, buffer);
    }
    const entry = { signal, arrival: ++this.arrival };
    return buffer.append(entry) ? entry : undefined;
  }

  private targets(index: ChannelIndex, signal: SequencedSignal) {
    const recipients = signal.recipients;
    if (recipients.type === 'broadcast') {
      return index.all;
    }
    const refs = userRecipientRefs(recipients);
    if (refs.length === 1) {
      return index.byRef.get(refs[0]) ?? [];
    }
    // A connection holding several of the recipient refs gets one frame.
    const targets = new Set<Connection>();
    for (const ref of refs) {
      const holders = index.byRef.get(ref);
      if (holders) {
        for (const connection of holders) {
          targets.add(connection);
        }
      }
    }
    return targets;
  }

  private isRecipient(connection: Connection, signal: SequencedSignal) {
    const recipients = signal.recipients;
    if (recipients.type === 'broadcast') {
      return true;
    }
    return userRecipientRefs(recipients).some(ref =>
      connection.ownership.has(ref),
    );
  }

  private encode(
    connection: Connection,
    signal: SequencedSignal,
    frames: Map<string, EncodedFrames>,
    withOffset: boolean,
  ): Buffer {
    const personal = signal.perRecipient;
    const variant =
      personal && hasOwn.call(personal, connection.userEntityRef)
        ? connection.userEntityRef
        : '';
    let encoded = frames.get(variant);
    if (!encoded) {
      encoded = {};
      frames.set(variant, encoded);
    }
    const key = withOffset ? 'withOffset' : 'plain';
    let frame = encoded[key];
    if (!frame) {
      const message: JsonObject = variant
        ? mergeRecipientMessage(signal.message, personal![variant])
        : signal.message;
      const body = withOffset
        ? { channel: signal.channel, message, offset: signal.offset }
        : { channel: signal.channel, message };
      frame = Buffer.from(JSON.stringify(body));
      encoded[key] = frame;
    }
    return frame;
  }

  private send(
    connection: Connection,
    signal: SequencedSignal,
    frames: Map<string, EncodedFrames>,
  ) {
    const subscription = connection.subscriptions.get(signal.channel);
    if (!subscription) {
      return;
    }
    const frame = this.encode(
      connection,
      signal,
      frames,
      subscription.withOffsets,
    );
    this.write(connection, frame);
  }

  private write(connection: Connection, frame: Buffer) {
    const socket = connection.socket;
    if (connection.closed || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    if (
      connection.pendingBytes + frame.length >
      this.options.maxBufferedBytes
    ) {
      this.dropSlowConsumer(connection);
      return;
    }
    while (
      this.bufferedBytes + frame.length >
      this.options.maxBufferedBytesPerReplica
    ) {
      const slowest = this.slowestConnection();
      if (!slowest) {
        break;
      }
      this.dropSlowConsumer(slowest);
      if (slowest === connection) {
        return;
      }
    }
    const bytes = frame.length;
    connection.pendingBytes += bytes;
    this.bufferedBytes += bytes;
    // Called once the frame is written out, or with an error when the
    // socket is gone first.
    socket.send(frame, { binary: false }, () => {
      connection.pendingBytes -= bytes;
      if (!connection.closed) {
        this.bufferedBytes -= bytes;
      }
    });
  }

  private slowestConnection(): Connection | undefined {
    let slowest: Connection | undefined;
    for (const connection of this.connections) {
      if (connection.pendingBytes > (slowest?.pendingBytes ?? 0)) {
        slowest = connection;
      }
    }
    return slowest;
  }

  private dropSlowConsumer(connection: Connection) {
    this.logger.warn(
      `Closing signals connection of ${connection.userEntityRef}: ${connection.pendingBytes} bytes waiting to be sent`,
    );
    this.closeWith(connection, SignalCloseCodes.slowConsumer, 'Slow consumer');
  }

  private closeWith(connection: Connection, code: number, reason: string) {
    this.remove(connection);
    connection.socket.close(code, reason);
    // The close frame queues behind unsent data, so it may never leave.
    setTimeout(() => connection.socket.terminate(), 1000).unref?.();
  }

  private onFrame(connection: Connection, data: RawData) {
    const frame = parseClientFrame(data.toString());
    if (!frame) {
      this.logger.debug(
        `Ignoring malformed signals frame from ${connection.userEntityRef}`,
      );
      return;
    }
    if (frame.action === 'subscribe') {
      this.subscribe(connection, frame);
    } else {
      this.unsubscribe(connection, frame.channel);
    }
  }

  private subscribe(
    connection: Connection,
    frame: Extract<ClientFrame, { action: 'subscribe' }>,
  ) {
    if (connection.closed) {
      return;
    }
    const { channel } = frame;
    if (channel.length > this.options.maxChannelNameLength) {
      this.logger.debug(
        `Closing signals connection of ${connection.userEntityRef}: channel name of ${channel.length} characters`,
      );
      this.closeWith(
        connection,
        SignalCloseCodes.policyViolation,
        'Channel name too long',
      );
      return;
    }
    const withOffsets = frame.offset !== undefined;
    const existing = connection.subscriptions.get(channel);
    if (!existing) {
      if (
        connection.subscriptions.size >=
        this.options.maxSubscriptionsPerConnection
      ) {
        this.logger.debug(
          `Ignoring subscribe to ${channel} from ${connection.userEntityRef}: subscription limit reached`,
        );
        return;
      }
      if (this.subscriptionCount >= this.options.maxSubscriptionsPerReplica) {
        this.logger.warn(
          `Closing signals connection of ${connection.userEntityRef}: ${this.subscriptionCount} subscriptions on this replica`,
        );
        this.closeWith(
          connection,
          SignalCloseCodes.capacityReached,
          'Subscription capacity reached',
        );
        return;
      }
      this.index(connection, channel);
    }
    connection.subscriptions.set(channel, {
      withOffsets: withOffsets || Boolean(existing?.withOffsets),
    });

    const buffer = this.buffers.get(channel);
    if (withOffsets) {
      this.resume(connection, channel, frame.offset ?? null, buffer);
    } else if (
      !existing &&
      buffer &&
      Date.now() - connection.connectedAt <= this.options.subscribeGraceMs
    ) {
      // Signals published between the handshake and this first subscribe
      // would otherwise be lost to a client that was connecting.
      this.replay(connection, buffer.arrivedAfter(connection.connectArrival));
    }
  }

  private resume(
    connection: Connection,
    channel: string,
    offset: number | null,
    buffer: ReplayBuffer | undefined,
  ) {
    let head = buffer?.headOffset ?? 0;
    if (offset === null) {
      if (buffer) {
        this.replay(connection, buffer.arrivedAfter(connection.connectArrival));
      }
    } else if (buffer || offset > 0) {
      const result = buffer
        ? buffer.since(offset)
        : ({ kind: 'gap', head: 0 } as const);
      head = result.head;
      if (result.kind === 'gap') {
        this.writeJson(connection, { channel, event: 'gap', offset: head });
        return;
      }
      this.replay(connection, result.entries);
    }
    this.writeJson(connection, { channel, event: 'subscribed', offset: head });
  }

  private replay(connection: Connection, entries: BufferedSignal[]) {
    for (const { signal } of entries) {
      if (this.isRecipient(connection, signal)) {
        this.send(connection, signal, new Map());
      }
    }
  }

  private writeJson(connection: Connection, value: JsonObject) {
    this.write(connection, Buffer.from(JSON.stringify(value)));
  }

  private unsubscribe(connection: Connection, channel: string) {
    if (!connection.subscriptions.delete(channel)) {
      return;
    }
    this.unindex(connection, channel);
  }

  private index(connection: Connection, channel: string) {
    let index = this.channels.get(channel);
    if (!index) {
      index = { all: new Set(), byRef: new Map() };
      this.channels.set(channel, index);
    }
    index.all.add(connection);
    this.subscriptionCount++;
    for (const ref of connection.ownership) {
      let holders = index.byRef.get(ref);
      if (!holders) {
        holders = new Set();
        index.byRef.set(ref, holders);
      }
      holders.add(connection);
    }
  }

  private unindex(connection: Connection, channel: string) {
    const index = this.channels.get(channel);
    if (!index) {
      return;
    }
    if (index.all.delete(connection)) {
      this.subscriptionCount--;
    }
    for (const ref of connection.ownership) {
      const holders = index.byRef.get(ref);
      holders?.delete(connection);
      if (holders?.size === 0) {
        index.byRef.delete(ref);
      }
    }
    if (index.all.size === 0) {
      this.channels.delete(channel);
    }
  }

  private remove(connection: Connection) {
    if (connection.closed) {
      return;
    }
    connection.closed = true;
    this.bufferedBytes -= connection.pendingBytes;
    for (const channel of connection.subscriptions.keys()) {
      this.unindex(connection, channel);
    }
    connection.subscriptions.clear();
    this.connections.delete(connection);
    const remaining = this.connectionsOf(connection.userEntityRef) - 1;
    if (remaining > 0) {
      this.perUser.set(connection.userEntityRef, remaining);
    } else {
      this.perUser.delete(connection.userEntityRef);
    }
  }

  private heartbeat() {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        this.remove(connection);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
