import { LoggerService } from '@backstage/backend-plugin-api';
import {
  SignalCloseCodes,
  SubscribeFrame,
} from '@herald/plugin-signals-common';
import { JsonObject } from '@backstage/types';
import { SignalPayload } from '@herald/plugin-signals-node';
import { randomBytes } from 'crypto';
import { WebSocket, RawData } from 'ws';
import { PublishedSignal, SequencedSignal } from '../bus/types';
import { SignalsConfig } from '../config';
import { Connection, connectionClock } from './Connection';
import { FrameEncoder, OutgoingSignal, encodeFrame } from './FrameEncoder';
import { parseClientFrame } from './parseClientFrame';
import { ReplayBuffers } from './ReplayBuffer';
import { SubscriptionIndex, isRecipient } from './SubscriptionIndex';
import { queuedBytes, writeFrame } from './textFrame';

/**
 * How long a closed connection keeps its socket for the close frame to leave
 * behind the data queued before it. A consumer slow enough to hit the buffer
 * cap needs a while to drain up to `maxBufferedBytes`; its code (1013) tells
 * the client to come back and resume rather than treat the loss as an
 * error. The connection is out of the hub by then, so it receives nothing.
 */
const CLOSE_FRAME_GRACE_MS = 5_000;

/** A signal and when it reached this replica's connections. */
type ArrivedSignal = { signal: OutgoingSignal; arrival: number };

/**
 * Coordinates this replica's connections: takes over upgraded sockets, keeps
 * them alive, answers their subscribe and unsubscribe frames and writes
 * their frames within the send-buffer limits. Which connection receives a
 * signal is the {@link SubscriptionIndex}'s job, what was sent before is the
 * {@link ReplayBuffers}', and serialising frames the {@link FrameEncoder}'s.
 */
export class SignalHub {
  /** Each open socket's connection; shared listeners find theirs here. */
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly subscriptions = new SubscriptionIndex();
  private readonly replay: ReplayBuffers;
  /**
   * Queued bytes of all open connections as last read, against the
   * replica's cap: exact but for connections that drained since, which
   * {@link recountBufferedBytes} reads again before anyone is dropped.
   */
  private bufferedBytes = 0;
  /** The connections whose sockets had bytes queued when last read. */
  private readonly backlogged = new Set<Connection>();
  /**
   * Signals published here and written to plain subscribers before the bus
   * numbered them, by origin, until the bus delivers them back.
   */
  private readonly writtenAhead = new Map<string, ArrivedSignal>();
  /**
   * Starts the origin of each signal published here. Random rather than the
   * instance id, so a replica that restarts under the same id cannot take a
   * signal of its previous run for one of its own.
   */
  private readonly originPrefix = `${randomBytes(9).toString('base64url')}:`;
  private published = 0;
  private pingTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: Pick<
      SignalsConfig,
      | 'maxSubscriptionsPerConnection'
      | 'maxBufferedBytes'
      | 'maxChannelNameLength'
      | 'maxSubscriptionsPerReplica'
      | 'maxBufferedBytesPerReplica'
      | 'pingIntervalMs'
      | 'subscribeGraceMs'
      | 'replay'
    >,
    private readonly logger: LoggerService,
  ) {
    this.replay = new ReplayBuffers(config.replay);
    // One set of listeners for all sockets rather than closures per socket:
    // ws calls them with the socket as `this`.
    const { connections } = this;
    const onFrame = (connection: Connection, data: RawData) =>
      this.onFrame(connection, data);
    const remove = (connection: Connection) => this.remove(connection);
    this.listeners = {
      message(this: WebSocket, data: RawData, isBinary: boolean) {
        const connection = connections.get(this);
        if (connection && !isBinary) {
          onFrame(connection, data);
        }
      },
      alive(this: WebSocket) {
        const connection = connections.get(this);
        if (connection) {
          connection.alive = true;
        }
      },
      close(this: WebSocket) {
        const connection = connections.get(this);
        if (connection) {
          remove(connection);
        }
      },
      error(this: WebSocket, error: Error) {
        logger.debug(`Signals connection error: ${error.message}`);
        this.terminate();
        const connection = connections.get(this);
        if (connection) {
          remove(connection);
        }
      },
    };
    this.socketClass = hubSocketClass(this.listeners);
  }

  private readonly listeners: SocketListeners;

  /**
   * The socket class for the `ws` server to create (its `WebSocket` option),
   * which hands the hub's events to the shared listeners without a listener
   * entry on each socket (see {@link hubSocketClass}).
   */
  readonly socketClass: typeof WebSocket;

  get connectionCount() {
    return this.connections.size;
  }

  connectionsOf(userEntityRef: string) {
    return this.subscriptions.connectionsOf(userEntityRef);
  }

  startHeartbeat() {
    this.pingTimer ??= setInterval(
      () => this.heartbeat(),
      this.config.pingIntervalMs,
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
    for (const connection of [...this.connections.values()]) {
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
      this.replay.arrival,
    );
    this.connections.set(socket, connection);
    this.subscriptions.connect(connection);

    const created: unknown = socket;
    if (!(created instanceof this.socketClass)) {
      const { listeners } = this;
      socket.on('message', listeners.message);
      socket.on('pong', listeners.alive);
      socket.on('ping', listeners.alive);
      socket.on('close', listeners.close);
      socket.on('error', listeners.error);
    }
    return connection;
  }

  /**
   * Writes a signal about to be published through a bus shared by replicas
   * to the connections here that subscribed without offsets, before the bus
   * appends it to its log. Those clients (upstream's among them) never see
   * an offset and cannot resume, so nothing they rely on waits for the
   * append's round trip. Returns the signal to publish, with the origin by
   * which {@link deliver} knows it when the bus hands it back, to write it
   * to the connections that asked for offsets only.
   */
  writeAhead(signal: SignalPayload): PublishedSignal {
    const published = {
      ...signal,
      origin: `${this.originPrefix}${++this.published}`,
    };
    this.writtenAhead.set(published.origin, {
      signal: published,
      arrival: this.replay.nextArrival(),
    });
    const encoder = new FrameEncoder(published);
    this.subscriptions.forEachRecipient(
      published,
      connection =>
        this.write(connection, encoder.encode(connection.userEntityRef, false)),
      'plain',
    );
    return published;
  }

  /** Forgets a signal written ahead that the bus failed to publish. */
  forgetWrittenAhead(signal: PublishedSignal) {
    this.writtenAhead.delete(signal.origin!);
  }

  /** Remembers a signal from the bus and sends it to its recipients. */
  deliver(signal: SequencedSignal) {
    const ahead =
      signal.origin === undefined
        ? undefined
        : this.writtenAhead.get(signal.origin);
    if (!this.replay.remember(signal, ahead?.arrival)) {
      return;
    }
    if (ahead) {
      this.writtenAhead.delete(signal.origin!);
    }
    const encoder = new FrameEncoder(signal);
    this.subscriptions.forEachRecipient(
      signal,
      (connection, withOffsets) =>
        this.write(
          connection,
          encoder.encode(connection.userEntityRef, withOffsets),
        ),
      ahead ? 'withOffsets' : 'all',
    );
  }

  /** Fills the replay buffers without delivering, for a replica that starts late. */
  preload(signals: SequencedSignal[]) {
    for (const signal of signals) {
      this.replay.remember(signal);
    }
  }

  private send(
    connection: Connection,
    signal: OutgoingSignal,
    encoder: FrameEncoder,
  ) {
    const withOffsets = this.subscriptions.wantsOffsets(
      connection,
      signal.channel,
    );
    if (withOffsets !== undefined) {
      this.write(
        connection,
        encoder.encode(connection.userEntityRef, withOffsets),
      );
    }
  }

  /**
   * Writes without a callback per write: a broadcast writes to thousands of
   * sockets in one go, and a closure and its call for each cost it about a
   * tenth of its time. What a socket could not hand to the kernel stays in
   * its `writableLength`, read after the write; only connections left with
   * queued bytes are remembered, to be read again when the replica's total
   * looks full.
   */
  private write(connection: Connection, frame: Buffer) {
    const socket = connection.socket;
    if (connection.closed || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    if (queuedBytes(socket) + frame.length > this.config.maxBufferedBytes) {
      this.dropSlowConsumer(connection);
      return;
    }
    if (
      this.bufferedBytes + frame.length >
      this.config.maxBufferedBytesPerReplica
    ) {
      this.recountBufferedBytes();
      while (
        this.bufferedBytes + frame.length >
        this.config.maxBufferedBytesPerReplica
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
    }
    this.count(connection, writeFrame(socket, frame));
  }

  /** Takes `queued` as the connection's share of the replica's total. */
  private count(connection: Connection, queued: number) {
    if (queued === connection.queuedBytes) {
      return;
    }
    this.bufferedBytes += queued - connection.queuedBytes;
    connection.queuedBytes = queued;
    if (queued > 0) {
      this.backlogged.add(connection);
    } else {
      this.backlogged.delete(connection);
    }
  }

  /** Reads the queued bytes of every connection that had some. */
  private recountBufferedBytes() {
    for (const connection of this.backlogged) {
      this.count(connection, queuedBytes(connection.socket));
    }
  }

  private writeJson(connection: Connection, frame: JsonObject) {
    this.write(connection, encodeFrame(frame));
  }

  private slowestConnection(): Connection | undefined {
    let slowest: Connection | undefined;
    for (const connection of this.backlogged) {
      if (connection.queuedBytes > (slowest?.queuedBytes ?? 0)) {
        slowest = connection;
      }
    }
    return slowest;
  }

  private dropSlowConsumer(connection: Connection) {
    this.logger.warn(
      `Closing signals connection of ${connection.userEntityRef}: ${queuedBytes(
        connection.socket,
      )} bytes waiting to be sent`,
    );
    this.closeWith(connection, SignalCloseCodes.slowConsumer, 'Slow consumer');
  }

  private closeWith(connection: Connection, code: number, reason: string) {
    this.remove(connection);
    connection.socket.close(code, reason);
    // The close frame queues behind unsent data, so it may never leave.
    setTimeout(
      () => connection.socket.terminate(),
      CLOSE_FRAME_GRACE_MS,
    ).unref?.();
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
      this.subscriptions.remove(connection, frame.channel);
    }
  }

  private subscribe(connection: Connection, frame: SubscribeFrame) {
    if (connection.closed) {
      return;
    }
    const { channel } = frame;
    if (channel.length > this.config.maxChannelNameLength) {
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
    const existing = this.subscriptions.wantsOffsets(connection, channel);
    if (existing === undefined) {
      if (
        (connection.channels?.length ?? 0) >=
        this.config.maxSubscriptionsPerConnection
      ) {
        this.logger.debug(
          `Ignoring subscribe to ${channel} from ${connection.userEntityRef}: subscription limit reached`,
        );
        return;
      }
      if (this.subscriptions.size >= this.config.maxSubscriptionsPerReplica) {
        this.logger.warn(
          `Closing signals connection of ${connection.userEntityRef}: ${this.subscriptions.size} subscriptions on this replica`,
        );
        this.closeWith(
          connection,
          SignalCloseCodes.capacityReached,
          'Subscription capacity reached',
        );
        return;
      }
    }
    this.subscriptions.add(connection, channel, withOffsets);

    if (withOffsets) {
      const result = this.replay.resume(
        channel,
        frame.offset ?? null,
        connection.connectArrival,
      );
      if (result.kind === 'gap') {
        this.writeJson(connection, {
          channel,
          event: 'gap',
          offset: result.head,
        });
        return;
      }
      this.replayTo(connection, result.entries);
      this.writeJson(connection, {
        channel,
        event: 'subscribed',
        offset: result.head,
      });
    } else if (
      existing === undefined &&
      connectionClock() - connection.connectedAt <= this.config.subscribeGraceMs
    ) {
      // Signals published between the handshake and this first subscribe
      // would otherwise be lost to a client that was connecting; those
      // written ahead of the bus included, which it will not write again.
      const arrived: ArrivedSignal[] = this.replay.arrivedAfter(
        channel,
        connection.connectArrival,
      );
      for (const ahead of this.writtenAhead.values()) {
        if (
          ahead.signal.channel === channel &&
          ahead.arrival > connection.connectArrival
        ) {
          arrived.push(ahead);
        }
      }
      this.replayTo(
        connection,
        arrived.sort((a, b) => a.arrival - b.arrival),
      );
    }
  }

  private replayTo(connection: Connection, entries: ArrivedSignal[]) {
    for (const { signal } of entries) {
      if (isRecipient(connection, signal)) {
        this.send(connection, signal, new FrameEncoder(signal));
      }
    }
  }

  private remove(connection: Connection) {
    if (connection.closed) {
      return;
    }
    connection.closed = true;
    this.count(connection, 0);
    this.subscriptions.disconnect(connection);
    this.connections.delete(connection.socket);
  }

  private heartbeat() {
    for (const connection of this.connections.values()) {
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

type SocketListeners = {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  alive(this: WebSocket): void;
  close(this: WebSocket): void;
  error(this: WebSocket, error: Error): void;
};

/**
 * Listeners added with `on` cost every socket an event map of its own, about
 * 250 bytes once there are five events. Sockets of this class hand those
 * events to the shared listeners from their prototype instead, and still
 * emit every event as usual, so other listeners run too.
 *
 * Without a listener of its own, a socket needs no event map either: an
 * emitter's empty one is a dictionary of about 200 bytes, which Node.js's
 * EventEmitter creates again when a listener is first added.
 *
 * They also keep no subprotocol. `ws` stores the one the handshake selected
 * for `protocol`, and here that is the user's token: about half a kilobyte
 * per socket, and a credential kept for the socket's lifetime, that nothing
 * reads once the handshake has echoed it.
 */
function hubSocketClass(listeners: SocketListeners): typeof WebSocket {
  return class HubSocket extends WebSocket {
    // The ws server creates its sockets with a null address, and options.
    constructor(...args: any[]) {
      super(...(args as [null]));
      (this as unknown as { _events?: object })._events = undefined;
    }

    get _protocol() {
      return '';
    }

    set _protocol(_selected: string) {}

    emit(event: string | symbol, ...args: any[]): boolean {
      switch (event) {
        case 'message':
          listeners.message.call(this, args[0], args[1]);
          break;
        case 'pong':
        case 'ping':
          listeners.alive.call(this);
          break;
        case 'close':
          listeners.close.call(this);
          break;
        case 'error':
          listeners.error.call(this, args[0]);
          // Handled: without a listener of its own, emitting it would throw.
          return super.listenerCount('error') > 0
            ? super.emit(event, ...args)
            : true;
        default:
      }
      return super.emit(event, ...args);
    }
  };
}
