import { Config } from '@backstage/config';

/** Resolved `signals.*` configuration. */
export type SignalsOptions = {
  bus: 'auto' | 'memory' | 'postgres';
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
  replayBufferSize: number;
  retentionSeconds: number;
};

export const defaultSignalsOptions: SignalsOptions = {
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
  replayBufferSize: 1000,
  retentionSeconds: 600,
};

function positive(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`signals.${key} must be a positive number, got ${value}`);
  }
  return value;
}

export function readSignalsOptions(rootConfig: Config): SignalsOptions {
  const config = rootConfig.getOptionalConfig('signals');
  const bus = config?.getOptionalString('bus') ?? defaultSignalsOptions.bus;
  if (bus !== 'auto' && bus !== 'memory' && bus !== 'postgres') {
    throw new Error(
      `signals.bus must be one of auto, memory, postgres, got ${bus}`,
    );
  }
  const d = defaultSignalsOptions;
  return {
    bus,
    maxFrameBytes: positive(config, 'maxFrameBytes', d.maxFrameBytes),
    maxSubscriptionsPerConnection: positive(
      config,
      'maxSubscriptionsPerConnection',
      d.maxSubscriptionsPerConnection,
    ),
    maxConnectionsPerUser: positive(
      config,
      'maxConnectionsPerUser',
      d.maxConnectionsPerUser,
    ),
    maxBufferedBytes: positive(config, 'maxBufferedBytes', d.maxBufferedBytes),
    maxChannelNameLength: positive(
      config,
      'maxChannelNameLength',
      d.maxChannelNameLength,
    ),
    maxConnectionsPerReplica: positive(
      config,
      'maxConnectionsPerReplica',
      d.maxConnectionsPerReplica,
    ),
    maxSubscriptionsPerReplica: positive(
      config,
      'maxSubscriptionsPerReplica',
      d.maxSubscriptionsPerReplica,
    ),
    maxBufferedBytesPerReplica: positive(
      config,
      'maxBufferedBytesPerReplica',
      d.maxBufferedBytesPerReplica,
    ),
    pingIntervalMs: positive(config, 'pingIntervalMs', d.pingIntervalMs),
    subscribeGraceMs: positive(config, 'subscribeGraceMs', d.subscribeGraceMs),
    replayBufferSize: positive(config, 'replay.bufferSize', d.replayBufferSize),
    retentionSeconds: positive(
      config,
      'replay.retentionSeconds',
      d.retentionSeconds,
    ),
  };
}
