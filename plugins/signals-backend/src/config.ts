import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';

/** The buses `signals.bus` can choose between. */
const signalBusModes = ['auto', 'memory', 'postgres', 'redis'] as const;

/**
 * The `signals` section of the app config, read once at startup with every
 * default applied. It mirrors `config.d.ts` key by key, except that durations
 * are resolved to milliseconds (hence the `Ms` suffix).
 */
export type SignalsConfig = {
  bus: (typeof signalBusModes)[number];
  maxFrameBytes: number;
  maxSubscriptionsPerConnection: number;
  maxConnectionsPerUser: number;
  maxBufferedBytes: number;
  maxChannelNameLength: number;
  maxConnectionsPerReplica: number;
  maxSubscriptionsPerReplica: number;
  maxBufferedBytesPerReplica: number;
  pingIntervalMs: number;
  subscribeGraceMs: number;
  replay: {
    bufferSize: number;
    maxBytes: number;
    retentionMs: number;
  };
  /** Set whenever `bus` is `redis`. */
  redis: {
    connection?: string;
    keyPrefix: string;
  };
};

export const defaultSignalsConfig: SignalsConfig = {
  bus: 'auto',
  maxFrameBytes: 64 * 1024,
  maxSubscriptionsPerConnection: 100,
  maxConnectionsPerUser: 50,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxChannelNameLength: 256,
  maxConnectionsPerReplica: 20_000,
  maxSubscriptionsPerReplica: 100_000,
  maxBufferedBytesPerReplica: 64 * 1024 * 1024,
  pingIntervalMs: 30_000,
  subscribeGraceMs: 10_000,
  replay: {
    bufferSize: 1000,
    maxBytes: 32 * 1024 * 1024,
    retentionMs: 600_000,
  },
  redis: { keyPrefix: 'herald:signals:' },
};

function checkPositive(key: string, value: number) {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`signals.${key} must be positive, got ${value}`);
  }
  return value;
}

function readPositive(
  config: Config | undefined,
  key: string,
  fallback: number,
) {
  const value = config?.getOptionalNumber(key);
  return value === undefined ? fallback : checkPositive(key, value);
}

/**
 * A duration under its `HumanDuration` key, or else under the number key it
 * replaced (kept as a deprecated alias, in that key's unit); the new key wins
 * when both are set.
 */
function readDuration(
  config: Config | undefined,
  key: string,
  alias: { key: string; unitMs: number },
  fallbackMs: number,
): number {
  if (config?.has(key)) {
    const duration: HumanDuration = readDurationFromConfig(config, { key });
    return checkPositive(key, durationToMilliseconds(duration));
  }
  const legacy = config?.getOptionalNumber(alias.key);
  return legacy === undefined
    ? fallbackMs
    : checkPositive(alias.key, legacy) * alias.unitMs;
}

/** Reads and checks `signals.*`; throws on a value the plugin cannot use. */
export function readSignalsConfig(rootConfig: Config): SignalsConfig {
  const config = rootConfig.getOptionalConfig('signals');
  const d = defaultSignalsConfig;
  const bus = config?.getOptionalString('bus') ?? d.bus;
  if (!(signalBusModes as readonly string[]).includes(bus)) {
    throw new Error(
      `signals.bus must be one of ${signalBusModes.join(', ')}, got ${bus}`,
    );
  }
  const redisConnection = config?.getOptionalString('redis.connection');
  if (bus === 'redis' && !redisConnection) {
    throw new Error(
      'signals.redis.connection is required when signals.bus is redis',
    );
  }
  const limit = (
    key: Exclude<keyof SignalsConfig, 'bus' | 'replay' | 'redis'>,
  ) => readPositive(config, key, d[key]);
  return {
    bus: bus as SignalsConfig['bus'],
    maxFrameBytes: limit('maxFrameBytes'),
    maxSubscriptionsPerConnection: limit('maxSubscriptionsPerConnection'),
    maxConnectionsPerUser: limit('maxConnectionsPerUser'),
    maxBufferedBytes: limit('maxBufferedBytes'),
    maxChannelNameLength: limit('maxChannelNameLength'),
    maxConnectionsPerReplica: limit('maxConnectionsPerReplica'),
    maxSubscriptionsPerReplica: limit('maxSubscriptionsPerReplica'),
    maxBufferedBytesPerReplica: limit('maxBufferedBytesPerReplica'),
    pingIntervalMs: readDuration(
      config,
      'pingInterval',
      { key: 'pingIntervalMs', unitMs: 1 },
      d.pingIntervalMs,
    ),
    subscribeGraceMs: readDuration(
      config,
      'subscribeGrace',
      { key: 'subscribeGraceMs', unitMs: 1 },
      d.subscribeGraceMs,
    ),
    replay: {
      bufferSize: readPositive(
        config,
        'replay.bufferSize',
        d.replay.bufferSize,
      ),
      maxBytes: readPositive(config, 'replay.maxBytes', d.replay.maxBytes),
      retentionMs: readDuration(
        config,
        'replay.retention',
        { key: 'replay.retentionSeconds', unitMs: 1000 },
        d.replay.retentionMs,
      ),
    },
    redis: {
      connection: redisConnection,
      keyPrefix:
        config?.getOptionalString('redis.keyPrefix') ?? d.redis.keyPrefix,
    },
  };
}
