import { Config } from '@backstage/config';
import {
  NotificationProcessorFilters,
  getProcessorFiltersFromConfig,
  readDurationMs,
} from '@herald/plugin-notifications-common';
import { isValidEmailAddress, isValidMailboxHeader } from './addresses';

export const EMAIL_CONFIG_PATH = 'notifications.processors.email';

export type SmtpTransportConfig = {
  transport: 'smtp';
  hostname: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  auth?: { username: string; password: string };
};

export type SendmailTransportConfig = {
  transport: 'sendmail';
  path: string;
  newline: 'unix' | 'windows';
};

export type SesTransportConfig = {
  transport: 'ses';
  region?: string;
  accountId?: string;
  endpoint?: string;
  apiVersion?: string;
  fromArn?: string;
  configurationSetName?: string;
};

export type StreamTransportConfig = { transport: 'stream' };

export type EmailTransportConfig =
  | SmtpTransportConfig
  | SendmailTransportConfig
  | SesTransportConfig
  | StreamTransportConfig;

export type BroadcastReceiver =
  | { receiver: 'none' }
  | { receiver: 'users' }
  | { receiver: 'config'; receiverEmails: string[] };

export type EmailProcessorConfig = {
  transport: EmailTransportConfig;
  sender: string;
  replyTo?: string;
  concurrencyLimit: number;
  throttleIntervalMs: number;
  cacheTtlMs: number;
  broadcast: BroadcastReceiver;
  filters: NotificationProcessorFilters;
  allowedEmailDomains?: string[];
  allowlistEmailAddresses?: string[];
  denylistEmailAddresses?: string[];
};

const DEFAULT_CONCURRENCY_LIMIT = 2;
const DEFAULT_THROTTLE_INTERVAL_MS = 100;
const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;

/** A configuration mistake, reported with the full config path of the key. */
export class EmailConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid config at ${EMAIL_CONFIG_PATH}.${key}: ${problem}`);
    this.name = 'EmailConfigError';
  }
}

function readDurationConfigMs(
  config: Config,
  key: string,
  defaultMs: number,
): number {
  try {
    return readDurationMs(config, key, defaultMs);
  } catch (error) {
    throw new EmailConfigError(
      key,
      `expected a duration such as '100ms', 'PT1H' or { minutes: 5 } (${error})`,
    );
  }
}

function readTransport(config: Config): EmailTransportConfig {
  const transportConfig = config.getOptionalConfig('transportConfig');
  if (!transportConfig) {
    throw new EmailConfigError(
      'transportConfig',
      'missing; set transportConfig.transport to smtp, sendmail, ses or stream',
    );
  }
  const transport = transportConfig.getOptionalString('transport');
  switch (transport) {
    case 'smtp': {
      const username = transportConfig.getOptionalString('username');
      const password = transportConfig.getOptionalString('password');
      if ((username === undefined) !== (password === undefined)) {
        throw new EmailConfigError(
          'transportConfig',
          'username and password must be set together',
        );
      }
      const hostname = transportConfig.getOptionalString('hostname');
      if (!hostname) {
        throw new EmailConfigError(
          'transportConfig.hostname',
          'required for the smtp transport',
        );
      }
      const port = transportConfig.getOptionalNumber('port');
      if (
        port === undefined ||
        !Number.isInteger(port) ||
        port < 1 ||
        port > 65535
      ) {
        throw new EmailConfigError(
          'transportConfig.port',
          'required for the smtp transport, an integer between 1 and 65535',
        );
      }
      return {
        transport,
        hostname,
        port,
        secure: transportConfig.getOptionalBoolean('secure') ?? false,
        requireTls: transportConfig.getOptionalBoolean('requireTls') ?? false,
        auth:
          username !== undefined && password !== undefined
            ? { username, password }
            : undefined,
      };
    }
    case 'sendmail': {
      const newline = transportConfig.getOptionalString('newline') ?? 'unix';
      if (newline !== 'unix' && newline !== 'windows') {
        throw new EmailConfigError(
          'transportConfig.newline',
          `'${newline}' is not one of unix, windows`,
        );
      }
      return {
        transport,
        path: transportConfig.getOptionalString('path') ?? '/usr/sbin/sendmail',
        newline,
      };
    }
    case 'ses':
      return {
        transport,
        region: transportConfig.getOptionalString('region'),
        accountId: transportConfig.getOptionalString('accountId'),
        endpoint: transportConfig.getOptionalString('endpoint'),
        apiVersion: transportConfig.getOptionalString('apiVersion'),
        fromArn: config.getOptionalString('sesConfig.fromArn'),
        configurationSetName: config.getOptionalString(
          'sesConfig.configurationSetName',
        ),
      };
    case 'stream':
      return { transport };
    default:
      throw new EmailConfigError(
        'transportConfig.transport',
        `${
          transport === undefined ? 'missing' : `'${transport}' is unknown`
        }; expected one of smtp, sendmail, ses, stream`,
      );
  }
}

function readBroadcast(config: Config): BroadcastReceiver {
  const broadcastConfig = config.getOptionalConfig('broadcastConfig');
  const receiver = broadcastConfig?.getOptionalString('receiver') ?? 'none';
  switch (receiver) {
    case 'none':
    case 'users':
      return { receiver };
    case 'config': {
      const receiverEmails =
        broadcastConfig?.getOptionalStringArray('receiverEmails') ?? [];
      if (receiverEmails.length === 0) {
        throw new EmailConfigError(
          'broadcastConfig.receiverEmails',
          'must list at least one address when receiver is config',
        );
      }
      const invalid = receiverEmails.filter(e => !isValidEmailAddress(e));
      if (invalid.length > 0) {
        throw new EmailConfigError(
          'broadcastConfig.receiverEmails',
          `invalid address(es): ${invalid.join(', ')}`,
        );
      }
      return { receiver, receiverEmails };
    }
    default:
      throw new EmailConfigError(
        'broadcastConfig.receiver',
        `'${receiver}' is unknown; expected one of none, users, config`,
      );
  }
}

function readMailbox(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value !== undefined && !isValidMailboxHeader(value)) {
    throw new EmailConfigError(
      key,
      `'${value}' is not an address like user@example.com or Name <user@example.com>`,
    );
  }
  return value;
}

/**
 * Reads and validates `notifications.processors.email` from the root config,
 * so that a mistake stops the backend at startup instead of losing mail later.
 */
export function readEmailProcessorConfig(
  rootConfig: Config,
): EmailProcessorConfig {
  const config = rootConfig.getOptionalConfig(EMAIL_CONFIG_PATH);
  if (!config) {
    throw new Error(
      `Missing config ${EMAIL_CONFIG_PATH}: the email module needs at least transportConfig and sender`,
    );
  }

  const sender = readMailbox(config, 'sender');
  if (!sender) {
    throw new EmailConfigError('sender', 'required, the From address');
  }

  const concurrencyLimit =
    config.getOptionalNumber('concurrencyLimit') ?? DEFAULT_CONCURRENCY_LIMIT;
  if (!Number.isInteger(concurrencyLimit) || concurrencyLimit < 1) {
    throw new EmailConfigError(
      'concurrencyLimit',
      'must be a positive integer',
    );
  }
  const throttleIntervalMs = readDurationConfigMs(
    config,
    'throttleInterval',
    DEFAULT_THROTTLE_INTERVAL_MS,
  );
  if (!(throttleIntervalMs >= 0)) {
    throw new EmailConfigError('throttleInterval', 'must not be negative');
  }

  let filters: NotificationProcessorFilters;
  try {
    filters = getProcessorFiltersFromConfig(config);
  } catch (error) {
    throw new EmailConfigError('filter', String((error as Error).message));
  }

  return {
    transport: readTransport(config),
    sender,
    replyTo: readMailbox(config, 'replyTo'),
    concurrencyLimit,
    throttleIntervalMs,
    cacheTtlMs: readDurationConfigMs(config, 'cache.ttl', DEFAULT_CACHE_TTL_MS),
    broadcast: readBroadcast(config),
    filters,
    allowedEmailDomains: config.getOptionalStringArray('allowedEmailDomains'),
    allowlistEmailAddresses: config.getOptionalStringArray(
      'allowlistEmailAddresses',
    ),
    denylistEmailAddresses: config.getOptionalStringArray(
      'denylistEmailAddresses',
    ),
  };
}
