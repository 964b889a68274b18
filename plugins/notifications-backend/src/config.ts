import { Config } from '@backstage/config';
import { NotificationSettings } from '@herald/plugin-notifications-common';
import {
  readDurationMs,
  readPostProcessTimeoutMs,
} from '@herald/plugin-notifications-node';
import { OutboxConfig } from './outbox';
import { parseDefaultSettings } from './settings';

/**
 * Everything the plugin reads from `app-config`, read once at startup; the
 * keys and defaults are documented in `config.d.ts` and the README.
 */
export type NotificationsConfig = {
  /** `app.baseUrl`: relative notification links resolve against it. */
  appBaseUrl: string;
  /** `notifications.maxRequestBodySize`, in express's size notation or bytes. */
  maxRequestBodySize: number | string;
  /** `notifications.processorTimeout`, for processOptions and preProcess. */
  processorTimeoutMs: number;
  /** `notifications.retention`; undefined when set to `false`. */
  retentionMs: number | undefined;
  /** `notifications.defaultSettings`. */
  defaultSettings: NotificationSettings;
  /** `notifications.outbox.*`. */
  outbox: OutboxConfig;
  /** `notifications.preparedStatements`: the inbox's reads as named statements on PostgreSQL. */
  preparedStatements: boolean;
};

/** Room for a send to 10,000 explicit users (about 0.3 MB of refs) and a long description. */
const DEFAULT_MAX_REQUEST_BODY_SIZE = '1mb';

const SIZE_PATTERN = /^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i;

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function readMaxRequestBodySize(config: Config): number | string {
  const key = 'notifications.maxRequestBodySize';
  const value = config.getOptional(key);
  if (value === undefined) {
    return DEFAULT_MAX_REQUEST_BODY_SIZE;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
    return value;
  }
  if (typeof value === 'string' && SIZE_PATTERN.test(value.trim())) {
    return value.trim();
  }
  throw new Error(
    `Invalid ${key} '${value}': expected a number of bytes or a size such as '512kb' or '2mb'`,
  );
}

function readRetentionMs(config: Config): number | undefined {
  if (config.getOptional('notifications.retention') === false) {
    return undefined;
  }
  return readDurationMs(config, 'notifications.retention', ONE_YEAR_MS);
}

function readOutboxConfig(rootConfig: Config): OutboxConfig {
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

/** Reads the plugin's config, failing startup on a malformed key with the key named. */
export function readNotificationsConfig(config: Config): NotificationsConfig {
  return {
    appBaseUrl: config.getString('app.baseUrl'),
    maxRequestBodySize: readMaxRequestBodySize(config),
    processorTimeoutMs: readDurationMs(
      config,
      'notifications.processorTimeout',
      5_000,
    ),
    retentionMs: readRetentionMs(config),
    defaultSettings: parseDefaultSettings(
      config.getOptional('notifications.defaultSettings'),
    ),
    outbox: readOutboxConfig(config),
    preparedStatements:
      config.getOptionalBoolean('notifications.preparedStatements') ?? true,
  };
}
