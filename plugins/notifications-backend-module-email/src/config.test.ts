import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readEmailProcessorConfig } from './config';

const read = (email: JsonObject) =>
  readEmailProcessorConfig(
    new ConfigReader({ notifications: { processors: { email } } }),
  );

const smtp = { transport: 'smtp', hostname: 'mail.example.com', port: 25 };

describe('readEmailProcessorConfig', () => {
  it('applies the documented defaults', () => {
    expect(
      read({ transportConfig: smtp, sender: 'herald@example.com' }),
    ).toEqual({
      transport: {
        transport: 'smtp',
        hostname: 'mail.example.com',
        port: 25,
        secure: false,
        requireTls: false,
        auth: undefined,
      },
      sender: 'herald@example.com',
      replyTo: undefined,
      concurrencyLimit: 2,
      throttleIntervalMs: 100,
      cacheTtlMs: 3_600_000,
      broadcast: { receiver: 'none' },
      filters: {},
      allowedEmailDomains: undefined,
      allowlistEmailAddresses: undefined,
      denylistEmailAddresses: undefined,
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
    expect(config.transport).toMatchObject({
      secure: true,
      requireTls: true,
      auth: { username: 'u', password: 'p' },
    });
    expect(config.throttleIntervalMs).toBe(2000);
    expect(config.cacheTtlMs).toBe(300_000);
    expect(config.broadcast).toEqual({
      receiver: 'config',
      receiverEmails: ['a@example.com'],
    });
    expect(config.filters).toEqual({
      minSeverity: 'high',
      maxSeverity: undefined,
      excludedTopics: ['x'],
      includedTopics: undefined,
    });
  });

  it('reads sendmail, ses and stream transports', () => {
    expect(
      read({ transportConfig: { transport: 'sendmail' }, sender: 'a@b.c' })
        .transport,
    ).toEqual({
      transport: 'sendmail',
      path: '/usr/sbin/sendmail',
      newline: 'unix',
    });
    expect(
      read({
        transportConfig: { transport: 'ses', region: 'eu-west-1' },
        sesConfig: { fromArn: 'arn:x', configurationSetName: 'set' },
        sender: 'a@b.c',
      }).transport,
    ).toMatchObject({
      transport: 'ses',
      region: 'eu-west-1',
      fromArn: 'arn:x',
      configurationSetName: 'set',
    });
    expect(
      read({ transportConfig: { transport: 'stream' }, sender: 'a@b.c' })
        .transport,
    ).toEqual({ transport: 'stream' });
  });

  it.each<[string, JsonObject, string]>([
    [
      'unknown transport',
      { transportConfig: { transport: 'pigeon' }, sender: 'a@b.c' },
      "transportConfig.transport: 'pigeon' is unknown; expected one of smtp, sendmail, ses, stream",
    ],
    ['missing transport', { sender: 'a@b.c' }, 'transportConfig: missing'],
    [
      'missing hostname',
      { transportConfig: { transport: 'smtp', port: 25 }, sender: 'a@b.c' },
      'transportConfig.hostname: required',
    ],
    [
      'bad port',
      { transportConfig: { ...smtp, port: 70000 }, sender: 'a@b.c' },
      'transportConfig.port',
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
      "transportConfig.newline: 'mac'",
    ],
    ['missing sender', { transportConfig: smtp }, 'sender: required'],
    [
      'invalid sender',
      { transportConfig: smtp, sender: 'a@b.c, evil@x.y' },
      'sender:',
    ],
    [
      'invalid replyTo',
      { transportConfig: smtp, sender: 'a@b.c', replyTo: 'nobody' },
      'replyTo:',
    ],
    [
      'unknown receiver',
      {
        transportConfig: smtp,
        sender: 'a@b.c',
        broadcastConfig: { receiver: 'all' },
      },
      "broadcastConfig.receiver: 'all' is unknown",
    ],
    [
      'config receiver without addresses',
      {
        transportConfig: smtp,
        sender: 'a@b.c',
        broadcastConfig: { receiver: 'config' },
      },
      'broadcastConfig.receiverEmails: must list',
    ],
    [
      'invalid receiver address',
      {
        transportConfig: smtp,
        sender: 'a@b.c',
        broadcastConfig: { receiver: 'config', receiverEmails: ['x y@z'] },
      },
      'invalid address(es): x y@z',
    ],
    [
      'zero concurrency',
      { transportConfig: smtp, sender: 'a@b.c', concurrencyLimit: 0 },
      'concurrencyLimit: must be a positive integer',
    ],
    [
      'bad duration',
      { transportConfig: smtp, sender: 'a@b.c', throttleInterval: 'soon' },
      'throttleInterval: expected a duration',
    ],
    [
      'bad severity',
      {
        transportConfig: smtp,
        sender: 'a@b.c',
        filter: { minSeverity: 'urgent' },
      },
      "filter: Invalid severity 'urgent'",
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
