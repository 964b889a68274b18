import { JsonObject } from '@backstage/types';
import { notificationsModuleUsing } from '@herald/notifications-test-utils';
import { NotificationDeliveryDeferredError } from '@herald/plugin-notifications-node';
import { createServer } from 'node:net';
import { notificationsEmailTemplateExtensionPoint } from './extensions';
import { TestSmtpServer } from './__testUtils__/TestSmtpServer';
import {
  TEST_BASE_URL,
  makeNotification,
  smtpConfig,
  startEmailModule,
  mailUser,
} from './__testUtils__/startEmailModule';

// Each test starts a backend.
jest.setTimeout(30_000);

const entities = [
  mailUser('alice', 'Alice@Example.com'),
  mailUser('bob', 'bob@example.com'),
  mailUser('carol', 'carol@other.org'),
  mailUser('nomail'),
  mailUser('mallory', 'mallory@example.com>, victim@example.com'),
];

/** The addresses of `entities` that can be emailed, lower-cased. */
const USER_ADDRESSES = [
  'alice@example.com',
  'bob@example.com',
  'carol@other.org',
];

describe('notificationsModuleEmail', () => {
  let smtp: TestSmtpServer;

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
  });

  afterEach(async () => {
    await smtp.close();
  });

  /** The module emailing the catalog's users through the test server. */
  const startWithSmtp = (email: JsonObject = {}) =>
    startEmailModule({ emailConfig: smtpConfig(smtp.port, email), entities });

  /** A broadcast to every user, while the test server refuses bob's address. */
  async function broadcastWhileRefusingBob(replyCode: number) {
    const { postProcess } = await startWithSmtp({
      broadcastConfig: { receiver: 'users' },
    });
    smtp.refuseRecipient = address =>
      address === 'bob@example.com' ? replyCode : undefined;
    return { postProcess, notification: makeNotification({}, { user: null }) };
  }

  it('emails the recipient user with subject, text and escaped HTML', async () => {
    const { processor, postProcess } = await startWithSmtp({
      replyTo: 'ops@example.com',
    });
    expect(processor.getName()).toBe('Email');

    await postProcess(
      makeNotification({
        title: 'Deploy <b>done</b>',
        description: 'Service "api" <script>alert(1)</script> & more',
        link: '/catalog/default/component/api',
      }),
    );

    const [email] = await smtp.waitFor(1);
    expect(email.envelopeTo).toEqual(['alice@example.com']);
    expect(email.envelopeFrom).toBe('herald@example.com');
    expect(email.mail.subject).toBe('Deploy <b>done</b>');
    expect(email.mail.replyTo?.text).toBe('ops@example.com');
    const url = `${TEST_BASE_URL}/catalog/default/component/api`;
    expect(email.mail.text?.trimEnd()).toBe(
      `Service "api" <script>alert(1)</script> & more\n\n${url}`,
    );
    expect(email.mail.html).toContain(
      '<p>Service &quot;api&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>',
    );
    expect(email.mail.html).toContain(`<a href="${url}">${url}</a>`);
    expect(email.mail.html).not.toContain('<script>');
  });

  it('links to the inbox when the notification has no link, and skips users without email', async () => {
    const { postProcess } = await startWithSmtp();
    await postProcess(makeNotification({}, { user: 'user:default/nomail' }));
    await postProcess(makeNotification({}, { user: 'user:default/mallory' }));
    await postProcess(makeNotification({}, { user: 'user:default/bob' }));

    const received = await smtp.waitFor(1);
    expect(smtp.recipients()).toEqual(['bob@example.com']);
    expect(received[0].mail.text).toContain(`${TEST_BASE_URL}/notifications`);
  });

  it.each([
    ['none', {}, []],
    ['users', {}, USER_ADDRESSES],
    [
      'config',
      { receiverEmails: ['team@example.com', 'lead@example.com'] },
      ['lead@example.com', 'team@example.com'],
    ],
  ])('emails broadcasts to receiver %s', async (receiver, extra, expected) => {
    const { postProcess } = await startWithSmtp({
      broadcastConfig: { receiver, ...extra },
    });
    await postProcess(makeNotification({}, { user: null }));
    await smtp.waitFor(expected.length);
    expect(smtp.recipients()).toEqual(expected);
  });

  it.each([
    ['none', {}, { minSeverity: 'high', broadcasts: false }],
    ['users', {}, { minSeverity: 'high' }],
    [
      'config',
      { receiverEmails: ['team@example.com'] },
      { minSeverity: 'high' },
    ],
  ])(
    'declines broadcasts only with no one to send them to: receiver %s',
    async (receiver, extra, filters) => {
      const { processor } = await startWithSmtp({
        broadcastConfig: { receiver, ...extra },
        filter: { minSeverity: 'high' },
      });
      expect(processor.getNotificationFilters!()).toStrictEqual(filters);
    },
  );

  it('sends no broadcast email without a broadcastConfig block', async () => {
    const { postProcess } = await startWithSmtp();
    await postProcess(makeNotification({}, { user: null }));
    await postProcess(makeNotification({}, { user: 'user:default/bob' }));
    await smtp.waitFor(1);
    expect(smtp.recipients()).toEqual(['bob@example.com']);
  });

  it('applies allowed domains, then the allowlist, then the denylist', async () => {
    const { postProcess } = await startWithSmtp({
      broadcastConfig: { receiver: 'users' },
      allowedEmailDomains: ['EXAMPLE.com'],
      allowlistEmailAddresses: ['Carol@other.org'],
      denylistEmailAddresses: ['bob@example.com'],
    });
    await postProcess(makeNotification({}, { user: null }));
    await smtp.waitFor(2);
    expect(smtp.recipients()).toEqual(['alice@example.com', 'carol@other.org']);
  });

  it('emails only allowlisted addresses when no domains are configured', async () => {
    const { postProcess } = await startWithSmtp({
      broadcastConfig: { receiver: 'users' },
      allowlistEmailAddresses: ['bob@example.com'],
    });
    await postProcess(makeNotification({}, { user: null }));
    await smtp.waitFor(1);
    expect(smtp.recipients()).toEqual(['bob@example.com']);
  });

  it('exposes the configured filters', async () => {
    const { processor } = await startEmailModule({
      emailConfig: smtpConfig(smtp.port, {
        filter: {
          minSeverity: 'high',
          maxSeverity: 'critical',
          excludedTopics: ['noise'],
          includedTopics: ['deploys'],
        },
      }),
    });
    expect(processor.getNotificationFilters!()).toEqual({
      minSeverity: 'high',
      maxSeverity: 'critical',
      excludedTopics: ['noise'],
      includedTopics: ['deploys'],
      // No broadcastConfig block: no one to email a broadcast to.
      broadcasts: false,
    });
  });

  it('renders with a template renderer registered through the extension point', async () => {
    const templates = notificationsModuleUsing(
      'email-templates',
      notificationsEmailTemplateExtensionPoint,
      extension =>
        extension.setTemplateRenderer({
          async getSubject(n) {
            return `[Herald] ${n.payload.title}`;
          },
          async getHtml(n) {
            return `<h1>${n.origin}</h1>`;
          },
        }),
    );
    const { postProcess } = await startEmailModule({
      emailConfig: smtpConfig(smtp.port),
      entities,
      features: [templates],
    });
    await postProcess(makeNotification({ description: 'plain' }));
    const [email] = await smtp.waitFor(1);
    expect(email.mail.subject).toBe('[Herald] Build failed');
    expect(String(email.mail.html).trimEnd()).toBe('<h1>plugin:test</h1>');
    // Without getText the message is a single text/html part.
    expect(email.mail.headers.get('content-type')).toMatchObject({
      value: 'text/html',
    });
  });

  it('refuses a second template renderer', async () => {
    const templates = (moduleId: string) =>
      notificationsModuleUsing(
        moduleId,
        notificationsEmailTemplateExtensionPoint,
        extension => extension.setTemplateRenderer({}),
      );
    await expect(
      startEmailModule({
        emailConfig: smtpConfig(smtp.port),
        features: [templates('first'), templates('second')],
      }),
    ).rejects.toThrow('Email template renderer was already registered');
  });

  it('shares one rate limit across concurrent notifications', async () => {
    const { postProcess } = await startWithSmtp({
      concurrencyLimit: 1,
      throttleInterval: '150ms',
    });
    const started = Date.now();
    await Promise.all(
      ['alice', 'bob', 'carol'].map(name =>
        postProcess(makeNotification({}, { user: `user:default/${name}` })),
      ),
    );
    await smtp.waitFor(3);
    // One message per 150 ms window: the third cannot start before 300 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(smtp.recipients()).toHaveLength(3);
  });

  it('throws on a temporary refusal and emails only the missing addresses on retry', async () => {
    const { postProcess, notification } = await broadcastWhileRefusingBob(451);

    const failure = postProcess(notification);
    await expect(failure).rejects.toThrow(
      /Failed to email notification .* to 1 of 3 address\(es\): bob@example.com/,
    );
    await expect(failure).rejects.toBeInstanceOf(
      NotificationDeliveryDeferredError,
    );
    expect(smtp.recipients()).toEqual(['alice@example.com', 'carol@other.org']);

    smtp.refuseRecipient = () => undefined;
    await postProcess(notification);
    await postProcess(notification);
    expect(smtp.recipients()).toEqual(USER_ADDRESSES);
  });

  it('stops starting messages after half the outbox timeout and leaves the rest to the retry', async () => {
    const { postProcess } = await startEmailModule({
      emailConfig: smtpConfig(smtp.port, {
        concurrencyLimit: 1,
        throttleInterval: '300ms',
        broadcastConfig: {
          receiver: 'config',
          receiverEmails: ['a@example.com', 'b@example.com', 'c@example.com'],
        },
      }),
      notificationsConfig: { outbox: { timeout: '1s' } },
    });
    const notification = makeNotification({}, { user: null });
    // A budget of 500 ms: messages start at 0 and 300 ms, the third would start at 600 ms.
    await expect(postProcess(notification)).rejects.toThrow(
      /to 1 of 3 address\(es\): c@example.com: left for the next attempt/,
    );
    expect(smtp.recipients()).toEqual(['a@example.com', 'b@example.com']);
    await postProcess(notification);
    expect(smtp.recipients()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });

  it('does not send an address twice when attempts overlap', async () => {
    const { postProcess } = await startWithSmtp({
      concurrencyLimit: 1,
      throttleInterval: '100ms',
      broadcastConfig: { receiver: 'users' },
    });
    const notification = makeNotification({}, { user: null });
    const first = postProcess(notification);
    const overlapping = postProcess(notification);
    await expect(overlapping).rejects.toThrow(
      'an earlier attempt is sending it',
    );
    await first;
    await postProcess(notification);
    expect(smtp.recipients()).toEqual(USER_ADDRESSES);
  });

  it('emails a scoped re-send again although the id is the same', async () => {
    const { postProcess } = await startWithSmtp();
    const first = makeNotification({ scope: 'build-1' });
    await postProcess(first);
    await postProcess({ ...first, updated: new Date('2026-01-02T00:00:00Z') });
    // After a round trip through JSON the same version must still be recognised.
    await postProcess(JSON.parse(JSON.stringify(first)));
    expect(smtp.recipients()).toEqual([
      'alice@example.com',
      'alice@example.com',
    ]);
  });

  it('does not retry an address the server permanently refuses', async () => {
    const { postProcess, notification } = await broadcastWhileRefusingBob(550);
    await postProcess(notification);
    smtp.refuseRecipient = () => undefined;
    await postProcess(notification);
    expect(smtp.recipients()).toEqual(['alice@example.com', 'carol@other.org']);
  });

  it('throws when the whole message is refused, even with a 5xx code', async () => {
    const { postProcess } = await startWithSmtp();
    smtp.refuseMessage = () => 554;
    const failure = postProcess(makeNotification());
    await expect(failure).rejects.toThrow('alice@example.com');
    // Refused for good: the attempt counts.
    await expect(failure).rejects.not.toBeInstanceOf(
      NotificationDeliveryDeferredError,
    );
  });

  it('throws when the mail server is unreachable', async () => {
    const port = await new Promise<number>(resolve => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const { postProcess } = await startEmailModule({
      emailConfig: smtpConfig(port),
      entities,
    });
    const failure = postProcess(makeNotification());
    await expect(failure).rejects.toThrow(/ECONNREFUSED|connect/);
    // Left for a retry that spends no outbox attempt.
    await expect(failure).rejects.toBeInstanceOf(
      NotificationDeliveryDeferredError,
    );
  });

  it.each([
    [
      'with a clear message on invalid config',
      { transport: 'smtp', hostname: '127.0.0.1' },
      'Invalid config at notifications.processors.email.transportConfig.port',
    ],
    [
      'naming the package to install when the ses transport has no AWS SDK',
      { transport: 'ses', region: 'eu-west-1' },
      /needs the package @aws-sdk\/client-sesv2/,
    ],
  ])('fails the backend start %s', async (_name, transportConfig, error) => {
    await expect(
      startEmailModule({
        emailConfig: { transportConfig, sender: 'herald@example.com' },
      }),
    ).rejects.toThrow(error);
  });

  it('fails the backend start when the email block is missing', async () => {
    await expect(startEmailModule({})).rejects.toThrow(
      'Missing config notifications.processors.email',
    );
  });
});
