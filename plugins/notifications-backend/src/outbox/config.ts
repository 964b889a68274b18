import { Config } from '@backstage/config';
import {
  readDurationMs,
  readPostProcessTimeoutMs,
} from '@herald/plugin-notifications-common';

export type OutboxConfig = {
  concurrency: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  pollIntervalMs: number;
  leaseMs: number;
  timeoutMs: number;
};

/** Reads `notifications.outbox.*`; see the package README for defaults. */
export function readOutboxConfig(rootConfig: Config): OutboxConfig {
  const config = rootConfig.getOptionalConfig('notifications.outbox');
  const read = (key: string, defaultMs: number) =>
    config ? readDurationMs(config, key, defaultMs) : defaultMs;
  const outbox: OutboxConfig = {
    concurrency: config?.getOptionalNumber('concurrency') ?? 10,
    maxAttempts: config?.getOptionalNumber('maxAttempts') ?? 8,
    initialBackoffMs: read('initialBackoff', 5_000),
    maxBackoffMs: read('maxBackoff', 3_600_000),
    pollIntervalMs: read('pollInterval', 5_000),
    timeoutMs: readPostProcessTimeoutMs(rootConfig),
    leaseMs: read('leaseDuration', 300_000),
  };
  if (outbox.concurrency < 1 || outbox.maxAttempts < 1) {
    throw new Error(
      'notifications.outbox.concurrency and maxAttempts must be at least 1',
    );
  }
  if (outbox.leaseMs <= outbox.timeoutMs) {
    throw new Error(
      'notifications.outbox.leaseDuration must be longer than notifications.outbox.timeout, or a slow job could be taken twice',
    );
  }
  return outbox;
}
