import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Herald signals backend. Every key is optional; defaults are in the README. */
  signals?: {
    /**
     * Which bus carries signals between backend replicas. `auto` uses
     * PostgreSQL LISTEN/NOTIFY when the plugin database is PostgreSQL and the
     * in-process bus otherwise; `redis` uses a Redis stream and needs
     * `redis.connection`. Default `auto`.
     */
    bus?: 'auto' | 'memory' | 'postgres' | 'redis';
    /** The Redis bus, used when `bus` is `redis`. */
    redis?: {
      /**
       * A Redis URL, `redis://[user:password@]host:port[/db]` or `rediss://`
       * for TLS. Required when `bus` is `redis`.
       * @visibility secret
       */
      connection?: string;
      /** Prepended to every key the bus uses. Default `herald:signals:`. */
      keyPrefix?: string;
    };
    /** Largest frame a client may send, in bytes. Default 65536. */
    maxFrameBytes?: number;
    /** Channels one connection may subscribe to. Default 100. */
    maxSubscriptionsPerConnection?: number;
    /** Open connections one user may hold on one replica. Default 50. */
    maxConnectionsPerUser?: number;
    /**
     * Bytes a connection may have queued for sending before it is closed as a
     * slow consumer (close code 1013). Default 4194304.
     */
    maxBufferedBytes?: number;
    /**
     * Longest channel name a client may subscribe to, in UTF-16 code units.
     * A longer one closes the connection with 1008. Default 256.
     */
    maxChannelNameLength?: number;
    /**
     * Open connections on one replica, all users together; more are refused
     * with 503. Default 20000.
     */
    maxConnectionsPerReplica?: number;
    /**
     * Subscriptions on one replica, all connections together. A subscribe
     * above it closes its connection with 1013, so the client retries later,
     * possibly on another replica. Default 100000.
     */
    maxSubscriptionsPerReplica?: number;
    /**
     * Bytes queued for sending on one replica, all connections together.
     * Above it the connection with the most queued bytes is closed with 1013.
     * Default 67108864.
     */
    maxBufferedBytesPerReplica?: number;
    /**
     * Interval between protocol pings: `{ seconds: 30 }`, `'30s'` or an ISO
     * 8601 duration. Default 30 seconds.
     */
    pingInterval?: HumanDuration | string;
    /**
     * Interval between protocol pings, in milliseconds.
     * @deprecated Use `pingInterval`, which wins when both are set.
     */
    pingIntervalMs?: number;
    /**
     * How long after connecting a first subscribe still receives the signals
     * published on that channel since the connection opened. Default 10
     * seconds.
     */
    subscribeGrace?: HumanDuration | string;
    /**
     * The same, in milliseconds.
     * @deprecated Use `subscribeGrace`, which wins when both are set.
     */
    subscribeGraceMs?: number;
    replay?: {
      /** Signals kept per channel for resuming clients. Default 1000. */
      bufferSize?: number;
      /**
       * Bytes of signals kept for resuming clients across all channels,
       * counted as their JSON: once over, the oldest are forgotten, and a
       * client resuming from before them is told of a gap and reloads.
       * Default 33554432 (32 MiB); in memory they take about two to three
       * times as much.
       */
      maxBytes?: number;
      /**
       * How long the PostgreSQL bus keeps published signals in its table,
       * for large payloads, listener reconnects and replicas that start
       * later. Default 10 minutes.
       */
      retention?: HumanDuration | string;
      /**
       * The same, in seconds.
       * @deprecated Use `retention`, which wins when both are set.
       */
      retentionSeconds?: number;
    };
  };
}
