import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  isNotificationSeverity,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import { z } from 'zod';
import { isValidEmailAddress, isValidMailboxHeader } from './addresses';

export const EMAIL_CONFIG_PATH = 'notifications.processors.email';

const DEFAULT_CONCURRENCY_LIMIT = 2;
const DEFAULT_THROTTLE_INTERVAL_MS = 100;
const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;
const DEFAULT_DIGEST_CHECK_INTERVAL_MS = 5 * 60 * 1000;
const DEFAULT_DIGEST_DAILY_HOUR_UTC = 8;

/** How a user's email arrives: one message per notification, or collected. */
export const digestFrequencies = ['instant', 'hourly', 'daily'] as const;
export type DigestFrequency = (typeof digestFrequencies)[number];
const TRANSPORTS = 'smtp, sendmail, ses, stream';

/**
 * A duration as Backstage writes them (`'100ms'`, `'PT1H'`, `{ minutes: 5 }`)
 * or a bare number of milliseconds, read into milliseconds.
 */
function durationMs(defaultMs: number) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (value === undefined) {
        return defaultMs;
      }
      if (typeof value === 'number') {
        return value;
      }
      try {
        return durationToMilliseconds(
          readDurationFromConfig(new ConfigReader({ value: value as any }), {
            key: 'value',
          }),
        );
      } catch (error) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `expected a duration such as '100ms', 'PT1H' or { minutes: 5 } (${error})`,
        });
        return z.NEVER;
      }
    })
    .pipe(z.number().min(0, 'must not be negative'));
}

const mailbox = z.string().refine(isValidMailboxHeader, value => ({
  message: `'${value}' is not an address like user@example.com or Name <user@example.com>`,
}));

const emailAddress = z.string().refine(isValidEmailAddress, value => ({
  message: `'${value}' is not a valid address`,
}));

const severity = z.string().refine(isNotificationSeverity, value => ({
  message: `'${value}' is not one of ${notificationSeverities.join(', ')}`,
}));

const smtpTransport = z.object({
  transport: z.literal('smtp'),
  hostname: z.string().min(1, 'required for the smtp transport'),
  port: z.number().int().min(1).max(65535, 'an integer between 1 and 65535'),
  secure: z.boolean().default(false),
  requireTls: z.boolean().default(false),
  username: z.string().optional(),
  password: z.string().optional(),
});

const sendmailTransport = z.object({
  transport: z.literal('sendmail'),
  path: z.string().default('/usr/sbin/sendmail'),
  newline: z.enum(['unix', 'windows']).default('unix'),
});

const sesTransport = z.object({
  transport: z.literal('ses'),
  region: z.string().optional(),
  accountId: z.string().optional(),
  endpoint: z.string().optional(),
  apiVersion: z.string().optional(),
});

const streamTransport = z.object({ transport: z.literal('stream') });

const transportConfig = z
  .discriminatedUnion(
    'transport',
    [smtpTransport, sendmailTransport, sesTransport, streamTransport],
    {
      errorMap: (issue, ctx) => {
        if (issue.code !== z.ZodIssueCode.invalid_union_discriminator) {
          return { message: ctx.defaultError };
        }
        const given = (ctx.data as { transport?: unknown } | undefined)
          ?.transport;
        return {
          message: `${
            given === undefined ? 'missing' : `'${given}' is unknown`
          }; expected one of ${TRANSPORTS}`,
        };
      },
    },
  )
  .superRefine((transport, ctx) => {
    if (
      transport.transport === 'smtp' &&
      (transport.username === undefined) !== (transport.password === undefined)
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'username and password must be set together',
      });
    }
  });

const broadcastConfig = z
  .object({
    receiver: z.enum(['none', 'users', 'config']).default('none'),
    receiverEmails: z.array(emailAddress).optional(),
  })
  .refine(b => b.receiver !== 'config' || (b.receiverEmails ?? []).length > 0, {
    message: 'must list at least one address when receiver is config',
    path: ['receiverEmails'],
  });

const digestFrequency = z.enum(digestFrequencies);

const digestConfig = z.object({
  defaultFrequency: digestFrequency.default('instant'),
  topics: z.record(digestFrequency).default({}),
  dailyHourUtc: z
    .number()
    .int('an integer between 0 and 23')
    .min(0, 'an integer between 0 and 23')
    .max(23, 'an integer between 0 and 23')
    .default(DEFAULT_DIGEST_DAILY_HOUR_UTC),
  checkInterval: durationMs(DEFAULT_DIGEST_CHECK_INTERVAL_MS),
});

/**
 * `notifications.processors.email` as written in `config.d.ts`, with the
 * defaults applied and durations read into milliseconds (the keys gain an
 * `Ms` suffix so the unit is never in doubt).
 */
const emailConfigSchema = z
  .object({
    transportConfig,
    sender: mailbox,
    replyTo: mailbox.optional(),
    sesConfig: z
      .object({
        fromArn: z.string().optional(),
        configurationSetName: z.string().optional(),
      })
      .optional(),
    concurrencyLimit: z
      .number()
      .int('must be a positive integer')
      .positive('must be a positive integer')
      .default(DEFAULT_CONCURRENCY_LIMIT),
    throttleInterval: durationMs(DEFAULT_THROTTLE_INTERVAL_MS),
    cache: z.object({ ttl: durationMs(DEFAULT_CACHE_TTL_MS) }).default({}),
    broadcastConfig: broadcastConfig.default({}),
    filter: z
      .object({
        minSeverity: severity.optional(),
        maxSeverity: severity.optional(),
        excludedTopics: z.array(z.string()).optional(),
        includedTopics: z.array(z.string()).optional(),
      })
      .default({}),
    allowedEmailDomains: z.array(z.string()).optional(),
    allowlistEmailAddresses: z.array(z.string()).optional(),
    denylistEmailAddresses: z.array(z.string()).optional(),
    digest: digestConfig.default({}),
  })
  .transform(({ throttleInterval, cache, digest, ...rest }) => ({
    ...rest,
    throttleIntervalMs: throttleInterval,
    cache: { ttlMs: cache.ttl },
    digest: {
      defaultFrequency: digest.defaultFrequency,
      topics: digest.topics,
      dailyHourUtc: digest.dailyHourUtc,
      checkIntervalMs: digest.checkInterval,
    },
  }));

export type EmailProcessorConfig = z.output<typeof emailConfigSchema>;
export type EmailTransportConfig = EmailProcessorConfig['transportConfig'];
export type SesTransportConfig = Extract<
  EmailTransportConfig,
  { transport: 'ses' }
>;
export type BroadcastConfig = EmailProcessorConfig['broadcastConfig'];
export type DigestConfig = EmailProcessorConfig['digest'];

/** Every configuration mistake at once, each with the full config path of its key. */
export class EmailConfigError extends Error {
  constructor(
    issues: Array<{ path: Array<string | number>; message: string }>,
  ) {
    super(
      issues
        .map(
          issue =>
            `Invalid config at ${[EMAIL_CONFIG_PATH, ...issue.path].join(
              '.',
            )}: ${issue.message}`,
        )
        .join('; '),
    );
    this.name = 'EmailConfigError';
  }
}

const requiredKeys: z.ZodErrorMap = (issue, ctx) =>
  issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined'
    ? { message: 'required' }
    : { message: ctx.defaultError };

/**
 * Reads and validates `notifications.processors.email` from the root config,
 * so that a mistake stops the backend at startup instead of losing mail later.
 */
export function readEmailProcessorConfig(
  rootConfig: Config,
): EmailProcessorConfig {
  const raw = rootConfig.getOptional(EMAIL_CONFIG_PATH);
  if (raw === undefined) {
    throw new Error(
      `Missing config ${EMAIL_CONFIG_PATH}: the email module needs at least transportConfig and sender`,
    );
  }
  const result = emailConfigSchema.safeParse(raw, { errorMap: requiredKeys });
  if (!result.success) {
    throw new EmailConfigError(result.error.issues);
  }
  return result.data;
}
