import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readEmailProcessorConfig } from './config';

const read = (email: JsonObject) =>
  readEmailProcessorConfig(
    new ConfigReader({ notifications: { processors: { email } } }),
  );

const smtp = { transport: 'smtp', hostname: 'mail.example.com', port: 25 };

/** A valid SMTP config with `extra` over it, e.g. one option wrong. */
const smtpWith = (extra: JsonObject): JsonObject => ({
  transportConfig: smtp,
  sender: 'a@b.c',
  ...extra,
});

describe('readEmailProcessorConfig', () => {
  it('applies the documented defaults', () => {
    expect(
      read({ transportConfig: smtp, sender: 'herald@example.com' }),
    ).toEqual({
      transportConfig: {
        transport: 'smtp',
        hostname: 'mail.example.com',
        port: 25,
        secure: false,
        requireTls: false,
      },
      sender: 'herald@example.com',
      concurrencyLimit: 2,
      throttleIntervalMs: 100,
      cache: { ttlMs: 3_600_000 },
      broadcastConfig: { receiver: 'none' },
      filter: {},
      digest: {
        defaultFrequency: 'instant',
        topics: {},
        dailyHourUtc: 8,
        checkIntervalMs: 300_000,
      },
    });
  });

  it('reads the digest defaults', () => {
    expect(
      read({
        transportConfig: smtp,
        sender: 'herald@example.com',
        digest: {
          defaultFrequency: 'hourly',
          topics: { builds: 'daily', incidents: 'instant' },
          dailyHourUtc: 17,
          checkInterval: '30s',
        },
      }).digest,
    ).toEqual({
      defaultFrequency: 'hourly',
      topics: { builds: 'daily', incidents: 'instant' },
      dailyHourUtc: 17,
      checkIntervalMs: 30_000,
    });
  });

  it('reads every option', () => {
    const config = read({
      transportConfig: {
        ...smtp,
        secure: true,
        requireTls: true,
        username: 'u',
        password: 'p',
      },
      sender: 'Herald <herald@example.com>',
      replyTo: 'ops@example.com',
      concurrencyLimit: 5,
      throttleInterval: { seconds: 2 },
      cache: { ttl: 'PT5M' },
      broadcastConfig: {
        receiver: 'config',
        receiverEmails: ['a@example.com'],
      },
      filter: { minSeverity: 'high', excludedTopics: ['x'] },
      allowedEmailDomains: ['example.com'],
      allowlistEmailAddresses: ['b@other.org'],
      denylistEmailAddresses: ['c@example.com'],
    });
    expect(config.transportConfig).toMatchObject({
      secure: true,
      requireTls: true,
      username: 'u',
      password: 'p',
    });
    expect(config.replyTo).toBe('ops@example.com');
    expect(config.concurrencyLimit).toBe(5);
    expect(config.throttleIntervalMs).toBe(2000);
    expect(config.cache.ttlMs).toBe(300_000);
    expect(config.allowedEmailDomains).toEqual(['example.com']);
    expect(config.allowlistEmailAddresses).toEqual(['b@other.org']);
    expect(config.denylistEmailAddresses).toEqual(['c@example.com']);
    expect(config.broadcastConfig).toEqual({
      receiver: 'config',
      receiverEmails: ['a@example.com'],
    });
    expect(config.filter).toEqual({
      minSeverity: 'high',
      excludedTopics: ['x'],
    });
  });

  it('reads sendmail, ses and stream transports', () => {
    expect(
      read({ transportConfig: { transport: 'sendmail' }, sender: 'a@b.c' })
        .transportConfig,
    ).toEqual({
      transport: 'sendmail',
      path: '/usr/sbin/sendmail',
      newline: 'unix',
    });
    const ses = read({
      transportConfig: { transport: 'ses', region: 'eu-west-1' },
      sesConfig: { fromArn: 'arn:x', configurationSetName: 'set' },
      sender: 'a@b.c',
    });
    expect(ses.transportConfig).toEqual({
      transport: 'ses',
      region: 'eu-west-1',
    });
    expect(ses.sesConfig).toEqual({
      fromArn: 'arn:x',
      configurationSetName: 'set',
    });
    expect(
      read({ transportConfig: { transport: 'stream' }, sender: 'a@b.c' })
        .transportConfig,
    ).toEqual({ transport: 'stream' });
  });

  it.each<[string, JsonObject, string]>([
    [
      'unknown transport',
      { transportConfig: { transport: 'pigeon' }, sender: 'a@b.c' },
      "transportConfig.transport: 'pigeon' is unknown; expected one of smtp, sendmail, ses, stream",
    ],
    ['missing transport', { sender: 'a@b.c' }, 'transportConfig: required'],
    [
      'transport without its name',
      { transportConfig: { hostname: 'x' }, sender: 'a@b.c' },
      'transportConfig.transport: missing; expected one of smtp',
    ],
    [
      'missing hostname',
      { transportConfig: { transport: 'smtp', port: 25 }, sender: 'a@b.c' },
      'transportConfig.hostname: required',
    ],
    [
      'bad port',
      { transportConfig: { ...smtp, port: 70000 }, sender: 'a@b.c' },
      'transportConfig.port: an integer between 1 and 65535',
    ],
    [
      'username without password',
      { transportConfig: { ...smtp, username: 'u' }, sender: 'a@b.c' },
      'username and password must be set together',
    ],
    [
      'bad newline',
      {
        transportConfig: { transport: 'sendmail', newline: 'mac' },
        sender: 'a@b.c',
      },
      "transportConfig.newline: Invalid enum value. Expected 'unix' | 'windows', received 'mac'",
    ],
    ['missing sender', { transportConfig: smtp }, 'sender: required'],
    [
      'a list of mistakes',
      { transportConfig: { ...smtp, port: 0 }, concurrencyLimit: 1.5 },
      'email.transportConfig.port: Number must be greater than or equal to 1; Invalid config at notifications.processors.email.sender: required; Invalid config at notifications.processors.email.concurrencyLimit: must be a positive integer',
    ],
    [
      'invalid sender',
      smtpWith({ sender: 'a@b.c, evil@x.y' }),
      "sender: 'a@b.c, evil@x.y' is not an address like",
    ],
    [
      'invalid replyTo',
      smtpWith({ replyTo: 'nobody' }),
      "replyTo: 'nobody' is not an address like",
    ],
    [
      'unknown receiver',
      smtpWith({ broadcastConfig: { receiver: 'all' } }),
      "broadcastConfig.receiver: Invalid enum value. Expected 'none' | 'users' | 'config', received 'all'",
    ],
    [
      'config receiver without addresses',
      smtpWith({ broadcastConfig: { receiver: 'config' } }),
      'broadcastConfig.receiverEmails: must list',
    ],
    [
      'invalid receiver address',
      smtpWith({
        broadcastConfig: { receiver: 'config', receiverEmails: ['x y@z'] },
      }),
      "broadcastConfig.receiverEmails.0: 'x y@z' is not a valid address",
    ],
    [
      'zero concurrency',
      smtpWith({ concurrencyLimit: 0 }),
      'concurrencyLimit: must be a positive integer',
    ],
    [
      'bad duration',
      smtpWith({ throttleInterval: 'soon' }),
      'throttleInterval: expected a duration',
    ],
    [
      'bad severity',
      smtpWith({ filter: { minSeverity: 'urgent' } }),
      "filter.minSeverity: 'urgent' is not one of critical, high, normal, low",
    ],
    [
      'unknown digest frequency',
      smtpWith({ digest: { topics: { builds: 'weekly' } } }),
      "digest.topics.builds: Invalid enum value. Expected 'instant' | 'hourly' | 'daily'",
    ],
    [
      'digest hour out of range',
      smtpWith({ digest: { dailyHourUtc: 24 } }),
      'digest.dailyHourUtc: an integer between 0 and 23',
    ],
  ])('rejects %s', (_name, email, message) => {
    expect(() => read(email)).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(message),
      }),
    );
  });

  it('requires the block', () => {
    expect(() => readEmailProcessorConfig(new ConfigReader({}))).toThrow(
      'Missing config notifications.processors.email',
    );
  });
});
