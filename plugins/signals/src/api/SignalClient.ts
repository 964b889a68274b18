import { DiscoveryApi, IdentityApi } from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';
import { ServerFrame } from '@herald/plugin-signals-common';
import {
  SignalApi,
  SignalConnectionObserver,
  SignalConnectionState,
  SignalSubscriber,
} from '@herald/plugin-signals-react';

/**
 * The parts of the browser WebSocket class the client uses.
 * @public
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocket;

type Subscription = {
  channel: string;
  onMessage: (message: JsonObject) => void;
};

/**
 * Browser client for Herald signals, wire compatible with the upstream
 * backend. One socket carries every subscription; each channel is
 * subscribed once. Every abnormal close while subscriptions remain leads to
 * a reconnect with exponential backoff and jitter and a fresh token, and the
 * client resumes each channel from the last offset it saw, so nothing
 * published while it was away is lost (a backend that cannot replay reports
 * a gap, passed on to connection observers).
 * @public
 */
export class SignalClient implements SignalApi {
  static readonly DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  static readonly DEFAULT_RECONNECT_TIMEOUT_MS = 1_000;
  static readonly DEFAULT_MAX_RECONNECT_TIMEOUT_MS = 30_000;

  static create(options: {
    identity: Pick<IdentityApi, 'getCredentials'>;
    discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
    /** How long one handshake may take before it is abandoned. */
    connectTimeout?: number;
    /** The first reconnect delay; it doubles on each failed attempt. */
    reconnectTimeout?: number;
    maxReconnectTimeout?: number;
    /** Defaults to the global WebSocket. */
    webSocket?: WebSocketConstructor;
  }) {
    return new SignalClient(
      options.identity,
      options.discoveryApi,
      options.connectTimeout ?? SignalClient.DEFAULT_CONNECT_TIMEOUT_MS,
      options.reconnectTimeout ?? SignalClient.DEFAULT_RECONNECT_TIMEOUT_MS,
      options.maxReconnectTimeout ??
        SignalClient.DEFAULT_MAX_RECONNECT_TIMEOUT_MS,
      options.webSocket,
    );
  }

  private readonly subscriptions = new Map<symbol, Subscription>();
  /** Wanted channels and the last offset seen on each (null: none yet). */
  private readonly offsets = new Map<string, number | null>();
  private readonly sent = new Set<string>();
  private readonly observers = new Set<SignalConnectionObserver>();
  private socket?: WebSocket;
  private generation = 0;
  private attempts = 0;
  private connecting = false;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  // A socket closed while connecting may never report it (a fake in tests,
  // a browser tab being torn down), so closing on purpose clears this too.
  private connectTimer?: ReturnType<typeof setTimeout>;
  private connectionState: SignalConnectionState = 'disconnected';

  private constructor(
    private readonly identity: Pick<IdentityApi, 'getCredentials'>,
    private readonly discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>,
    private readonly connectTimeout: number,
    private readonly reconnectTimeout: number,
    private readonly maxReconnectTimeout: number,
    private readonly webSocket?: WebSocketConstructor,
  ) {}

  get state(): SignalConnectionState {
    return this.connectionState;
  }

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ): SignalSubscriber {
    const id = Symbol(channel);
    this.subscriptions.set(id, {
      channel,
      onMessage: onMessage as (message: JsonObject) => void,
    });
    if (!this.offsets.has(channel)) {
      this.offsets.set(channel, null);
    }
    this.ensureConnection();
    this.sync();
    return { unsubscribe: () => this.unsubscribe(id) };
  }

  observeConnection(observer: SignalConnectionObserver): SignalSubscriber {
    this.observers.add(observer);
    observer.onStateChange?.(this.connectionState);
    return { unsubscribe: () => this.observers.delete(observer) };
  }

  private unsubscribe(id: symbol) {
    const subscription = this.subscriptions.get(id);
    if (!subscription || !this.subscriptions.delete(id)) {
      return;
    }
    const stillWanted = [...this.subscriptions.values()].some(
      s => s.channel === subscription.channel,
    );
    if (!stillWanted) {
      this.offsets.delete(subscription.channel);
    }
    if (this.subscriptions.size === 0) {
      this.disconnect();
      return;
    }
    this.sync();
  }

  private setState(state: SignalConnectionState) {
    if (state !== this.connectionState) {
      this.connectionState = state;
      this.observers.forEach(o => o.onStateChange?.(state));
    }
  }

  /** Closes on purpose; stale events of the old socket are ignored. */
  private disconnect() {
    this.generation++;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.connecting = false;
    this.attempts = 0;
    this.socket?.close(1000);
    this.socket = undefined;
    this.sent.clear();
    this.setState('disconnected');
  }

  private ensureConnection() {
    if (this.socket || this.connecting || this.reconnectTimer) {
      return;
    }
    this.connect();
  }

  private async connect() {
    const generation = ++this.generation;
    this.connecting = true;
    this.setState('connecting');
    let socket: WebSocket;
    try {
      const { token } = await this.identity.getCredentials();
      if (generation !== this.generation) {
        return;
      }
      if (!token) {
        // Without a token the backend refuses us; retrying cannot help.
        this.connecting = false;
        this.setState('disconnected');
        return;
      }
      const baseUrl = await this.discoveryApi.getBaseUrl('signals');
      if (generation !== this.generation) {
        return;
      }
      const url = new URL(baseUrl);
      url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
      const WebSocketClass = this.webSocket ?? globalThis.WebSocket;
      socket = new WebSocketClass(url.toString(), token);
    } catch {
      if (generation === this.generation) {
        this.connecting = false;
        this.scheduleReconnect();
      }
      return;
    }
    this.socket = socket;
    this.sent.clear();

    const timeout = setTimeout(() => {
      if (generation === this.generation && this.connecting) {
        socket.close();
        this.lost(generation);
      }
    }, this.connectTimeout);
    this.connectTimer = timeout;

    socket.onopen = () => {
      clearTimeout(timeout);
      if (generation !== this.generation) {
        socket.close(1000);
        return;
      }
      this.connecting = false;
      this.attempts = 0;
      this.setState('connected');
      this.sync();
    };
    socket.onmessage = event => {
      if (generation === this.generation) {
        this.onFrame(String(event.data));
      }
    };
    // A close event always follows an error; reconnecting is handled there.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      clearTimeout(timeout);
      this.lost(generation);
    };
  }

  /** The socket of `generation` is gone without us asking for it. */
  private lost(generation: number) {
    if (generation !== this.generation) {
      return;
    }
    this.generation++;
    this.socket = undefined;
    this.connecting = false;
    this.sent.clear();
    if (this.subscriptions.size === 0) {
      this.setState('disconnected');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.reconnectTimer || this.subscriptions.size === 0) {
      return;
    }
    this.setState('connecting');
    const ceiling = Math.min(
      this.maxReconnectTimeout,
      this.reconnectTimeout * 2 ** this.attempts,
    );
    this.attempts++;
    // Jitter spreads the reconnects of many browsers after a backend restart.
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private sync() {
    const socket = this.socket;
    if (!socket || this.connecting || socket.readyState !== 1) {
      return;
    }
    for (const channel of [...this.sent]) {
      if (!this.offsets.has(channel)) {
        socket.send(JSON.stringify({ action: 'unsubscribe', channel }));
        this.sent.delete(channel);
      }
    }
    for (const [channel, offset] of this.offsets) {
      if (!this.sent.has(channel)) {
        socket.send(JSON.stringify({ action: 'subscribe', channel, offset }));
        this.sent.add(channel);
      }
    }
  }

  private onFrame(data: string) {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.channel !== 'string' || !frame.channel) {
      return;
    }
    const { channel } = frame;
    if (!this.offsets.has(channel)) {
      return;
    }
    if ('event' in frame) {
      this.offsets.set(channel, frame.offset);
      if (frame.event === 'gap') {
        this.observers.forEach(o => o.onGap?.(channel));
      }
      return;
    }
    if (typeof frame.offset === 'number') {
      this.offsets.set(channel, frame.offset);
    }
    for (const subscription of [...this.subscriptions.values()]) {
      if (subscription.channel === channel) {
        subscription.onMessage(frame.message);
      }
    }
  }
}
