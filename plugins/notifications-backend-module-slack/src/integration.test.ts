import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@herald/plugin-signals-node';
// The point of this suite is the real backend delivering through this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { notificationsSlackBlockKitExtensionPoint } from './extensions';
import { notificationsModuleSlack } from './module';
import { SlackTestServer } from './__testUtils__/SlackTestServer';
import { TEST_TOKEN, groupEntity, userEntity } from './__testUtils__/fixtures';

jest.setTimeout(90_000);

const entities = [
  userEntity('alice', { slack: 'U0ALICE' }),
  userEntity('bob', { email: 'bob@example.com' }),
  userEntity('carol', { email: 'carol@example.com' }),
  userEntity('dave', { slack: 'U0DAVE' }),
  groupEntity('team-a', ['dave', 'alice', 'bob', 'carol'], 'C0TEAMA'),
];

const quietSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ async publish() {} }),
});

/** The origin of sends made with mock service credentials. */
const SERVICE_ORIGIN = 'external:test-service';

type Backend = Awaited<ReturnType<typeof startTestBackend>>;

function startBackend(
  knex: Knex,
  slackUrl: string,
  extra: { features?: any[]; slack?: object; outbox?: object } = {},
): Promise<Backend> {
  return startTestBackend({
    features: [
      notificationsPlugin,
      notificationsModuleSlack,
      quietSignals,
      catalogServiceMock.factory({ entities }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          notifications: {
            outbox: {
              pollInterval: '100ms',
              initialBackoff: '50ms',
              maxBackoff: '300ms',
              maxAttempts: 30,
              timeout: '10s',
              ...extra.outbox,
            },
            processors: {
              slack: [
                {
                  token: TEST_TOKEN,
                  apiUrl: slackUrl,
                  username: 'Herald',
                  concurrencyLimit: 100,
                  throttleInterval: '1s',
                  broadcastChannels: ['general'],
                  broadcastRoutes: [
                    { topic: 'deploys', channel: ['C0OPS', 'C0ONCALL'] },
                    {
                      topic: 'nowhere',
                      channel: ['no-such-channel', 'C0SOMEWHERE'],
                    },
                    {
                      origin: SERVICE_ORIGIN,
                      topic: 'alerts',
                      channel: 'C0ALERTS',
                    },
                    { origin: 'external:other', channel: 'C0OTHER' },
                  ],
                  ...extra.slack,
                },
              ],
            },
          },
        },
      }),
      ...(extra.features ?? []),
    ],
  });
}

async function send(backend: Backend, body: object) {
  const response = await request(backend.server)
    .post('/api/notifications')
    .set('Authorization', mockCredentials.service.header())
    .send(body);
  expect(response.status).toBe(200);
  return response.body as Array<{ id: string; origin: string }>;
}

function toUsers(names: string[], payload: object = {}) {
  return {
    recipients: {
      type: 'entity',
      entityRef: names.map(n => `user:default/${n}`),
    },
    payload: { title: `Hello ${names.join(' and ')}`, ...payload },
  };
}

async function outboxDrained(backend: Backend, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await request(backend.server)
      .get('/api/notifications/admin/outbox')
      .set('Authorization', mockCredentials.service.header());
    if (body.pending === 0) {
      return body as { pending: number; dead: number };
    }
    if (Date.now() > deadline) {
      throw new Error(`Outbox still has ${body.pending} pending job(s)`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** Every Herald message the server holds, as "title -> channel" with counts. */
function delivered(slack: SlackTestServer): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of slack.messages) {
    const key = `${m.text} -> ${m.channel}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Exactly once per notification id and channel. */
function expectEachPostedOnce(slack: SlackTestServer) {
  for (const [key, count] of slack.postsPer()) {
    expect([key, count]).toEqual([key, 1]);
  }
}

describe('Slack through the notifications backend', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });
  let slack: SlackTestServer;
  let backend: Backend | undefined;

  beforeEach(async () => {
    slack = new SlackTestServer({
      token: TEST_TOKEN,
      usersByEmail: { 'bob@example.com': 'U0BOB' },
      channelsByName: { general: 'C0GENERAL' },
    });
    await slack.start();
  });

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await slack.stop();
  });

  it.each(databases.eachSupportedId())(
    'posts DMs, group channels and routed broadcasts, and honours a Slack opt-out, %p',
    async databaseId => {
      backend = await startBackend(await databases.init(databaseId), slack.url);

      const settings = await request(backend.server)
        .get('/api/notifications/settings')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(settings.body.channels.map((c: { id: string }) => c.id)).toEqual([
        'Web',
        'SlackNotificationProcessor',
      ]);
      const optOut = await request(backend.server)
        .post('/api/notifications/settings')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({
          channels: [
            {
              id: 'SlackNotificationProcessor',
              origins: [
                {
                  id: SERVICE_ORIGIN,
                  enabled: true,
                  topics: [{ id: 'muted', enabled: false }],
                },
              ],
            },
          ],
        });
      expect(optOut.status).toBe(200);

      await send(
        backend,
        toUsers(['alice', 'bob', 'carol'], {
          description: 'Ask <@user:default/bob> & co',
        }),
      );
      await send(
        backend,
        toUsers(['alice', 'bob'], { title: 'Muted', topic: 'muted' }),
      );
      await send(backend, {
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: { title: 'Team news' },
      });
      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance tonight' },
      });
      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Alert', topic: 'alerts' },
      });
      // Slack refuses an unknown channel for good: recorded, not retried.
      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Lost', topic: 'nowhere' },
      });
      const { dead } = await outboxDrained(backend);
      expect(dead).toBe(0);
      expect(
        slack.calls.filter(c => c.method === 'chat.postMessage'),
      ).toHaveLength(8);

      expect(delivered(slack)).toEqual({
        'Hello alice and bob and carol -> DU0ALICE': 1,
        'Hello alice and bob and carol -> DU0BOB': 1,
        'Muted -> DU0BOB': 1,
        'Team news -> C0TEAMA': 1,
        'Maintenance tonight -> C0GENERAL': 1,
        'Alert -> C0ALERTS': 1,
        'Lost -> C0SOMEWHERE': 1,
      });
      const toBob = slack.messages.find(m => m.channel === 'DU0BOB')!;
      expect(toBob.username).toBe('Herald');
      expect(JSON.stringify(toBob.attachments)).toContain(
        'Ask <@U0BOB> &amp; co',
      );
      expectEachPostedOnce(slack);
    },
  );

  it.each(databases.eachSupportedId())(
    'posts exactly once through 429s, 5xx and answers lost after posting, %p',
    async databaseId => {
      backend = await startBackend(await databases.init(databaseId), slack.url);
      slack.faults.push(
        { method: 'chat.postMessage', kind: 'rate-limited', retryAfter: 1 },
        { method: 'chat.postMessage', kind: 'server-error' },
        { method: 'chat.postMessage', kind: 'server-error-after-acting' },
        { method: 'chat.postMessage', kind: 'hang-up' },
      );
      await send(backend, toUsers(['alice', 'bob']));
      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Ops broadcast', topic: 'deploys' },
      });
      const { dead } = await outboxDrained(backend);
      expect(dead).toBe(0);
      expect(slack.faults).toEqual([]);

      expect(delivered(slack)).toEqual({
        'Hello alice and bob -> DU0ALICE': 1,
        'Hello alice and bob -> DU0BOB': 1,
        'Ops broadcast -> C0OPS': 1,
        'Ops broadcast -> C0ONCALL': 1,
      });
      expectEachPostedOnce(slack);

      // Once the client had heard the 429, nothing reached Slack until the
      // second that Retry-After asked for was over (requests already on
      // their way may still arrive in the first moments).
      const limited = slack.calls.find(c => c.status === 429)!;
      const during = slack.calls.filter(
        c => c.at > limited.at + 200 && c.at < limited.at + 990,
      );
      expect(during).toEqual([]);
      expect(slack.calls.at(-1)!.at).toBeGreaterThanOrEqual(limited.at + 990);
      // The lost answer was resolved by looking, not by posting again.
      expect(slack.calls.some(c => c.method === 'conversations.history')).toBe(
        true,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'posts everything once after Slack was down across a backend restart, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const url = slack.url;
      await slack.stop();

      backend = await startBackend(knex, url);
      await send(backend, toUsers(['alice', 'bob']));
      await send(backend, {
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: { title: 'Team news' },
      });
      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance tonight' },
      });
      await new Promise(resolve => setTimeout(resolve, 1000));
      const pending = await request(backend.server)
        .get('/api/notifications/admin/outbox')
        .set('Authorization', mockCredentials.service.header());
      // DMs to alice and bob, the broadcast, and the team channel's owner;
      // the other members' jobs find the channel owned and finish.
      expect(pending.body.pending).toBeGreaterThanOrEqual(4);
      await backend.stop();

      await slack.start();
      backend = await startBackend(knex, url);
      await outboxDrained(backend);

      expect(delivered(slack)).toEqual({
        'Hello alice and bob -> DU0ALICE': 1,
        'Hello alice and bob -> DU0BOB': 1,
        'Team news -> C0TEAMA': 1,
        'Maintenance tonight -> C0GENERAL': 1,
      });
      expectEachPostedOnce(slack);
    },
  );

  it.each(databases.eachSupportedId())(
    'posts once after an outage longer than maxAttempts times the backoff, with no dead jobs, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const outbox = { maxAttempts: 2, initialBackoff: '500ms' };
      backend = await startBackend(knex, slack.url, {
        outbox: { ...outbox, maxBackoff: '500ms' },
      });
      // Alice's post reaches Slack but its answer is lost, then Slack goes
      // away for longer than the outbox's attempts would last.
      slack.faults.push({
        method: 'chat.postMessage',
        kind: 'server-error-after-acting',
      });
      await send(backend, toUsers(['alice']));
      while (slack.messages.length === 0) {
        await new Promise(resolve => setTimeout(resolve, 10));
      }
      await slack.stop();
      await send(backend, toUsers(['bob']));
      // Three times maxAttempts × maxBackoff: a plain failure would be dead.
      await new Promise(resolve => setTimeout(resolve, 3 * 2 * 500));
      const during = await request(backend.server)
        .get('/api/notifications/admin/outbox')
        .set('Authorization', mockCredentials.service.header());
      expect(during.body).toEqual({ pending: 2, dead: 0 });

      await slack.start();
      await expect(outboxDrained(backend)).resolves.toEqual({
        pending: 0,
        dead: 0,
      });
      expect(delivered(slack)).toEqual({
        'Hello alice -> DU0ALICE': 1,
        'Hello bob -> DU0BOB': 1,
      });
      expectEachPostedOnce(slack);
    },
  );

  it.each(databases.eachSupportedId())(
    'updates the message of a scope instead of posting again, %p',
    async databaseId => {
      // Also: an API URL without its trailing slash.
      backend = await startBackend(
        await databases.init(databaseId),
        slack.url.replace(/\/$/, ''),
      );
      await send(
        backend,
        toUsers(['alice'], { title: 'Build 1 running', scope: 'build-1' }),
      );
      await outboxDrained(backend);
      await send(
        backend,
        toUsers(['alice'], { title: 'Build 1 passed', scope: 'build-1' }),
      );
      await outboxDrained(backend);

      expect(slack.messages).toHaveLength(1);
      expect(slack.messages[0]).toMatchObject({
        channel: 'DU0ALICE',
        text: 'Build 1 passed',
        edits: 1,
      });
      expect(slack.calls.filter(c => c.method === 'chat.update')).toHaveLength(
        1,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'posts a group channel once when two instances deliver to its members, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      slack.delayMs = 200;
      // One job at a time each, so the members' jobs of a send are shared
      // between the instances.
      const oneAtATime = { outbox: { concurrency: 1 } };
      backend = await startBackend(knex, slack.url, oneAtATime);
      const second = await startBackend(knex, slack.url, oneAtATime);
      try {
        for (let i = 0; i < 5; i++) {
          await send(i % 2 ? second : backend, {
            recipients: { type: 'entity', entityRef: 'group:default/team-a' },
            payload: { title: `Team news ${i}` },
          });
        }
        await outboxDrained(backend);
      } finally {
        await second.stop();
      }
      expect(delivered(slack)).toEqual({
        'Team news 0 -> C0TEAMA': 1,
        'Team news 1 -> C0TEAMA': 1,
        'Team news 2 -> C0TEAMA': 1,
        'Team news 3 -> C0TEAMA': 1,
        'Team news 4 -> C0TEAMA': 1,
      });
    },
  );

  it('leaves a Retry-After longer than the attempt to the outbox, calling nothing before it', async () => {
    // The attempt budget is half of the 10 s outbox timeout: 5 s. One
    // attempt only: waiting for Retry-After must not spend it.
    backend = await startBackend(await databases.init('SQLITE_3'), slack.url, {
      outbox: { maxAttempts: 1 },
    });
    slack.faults.push({
      method: 'chat.postMessage',
      kind: 'rate-limited',
      retryAfter: 6,
    });
    await send(backend, toUsers(['alice', 'bob']));
    const { dead } = await outboxDrained(backend, 30_000);
    expect(dead).toBe(0);
    expect(delivered(slack)).toEqual({
      'Hello alice and bob -> DU0ALICE': 1,
      'Hello alice and bob -> DU0BOB': 1,
    });
    const limited = slack.calls.find(c => c.status === 429)!;
    expect(
      slack.calls.filter(
        c => c.at > limited.at + 200 && c.at < limited.at + 5990,
      ),
    ).toEqual([]);
  });

  it('lets another module supply the blocks', async () => {
    const layout = createBackendModule({
      pluginId: 'notifications',
      moduleId: 'slack-layout',
      register(reg) {
        reg.registerInit({
          deps: { blockKit: notificationsSlackBlockKitExtensionPoint },
          async init({ blockKit }) {
            blockKit.setBlockKitRenderer(payload => [
              {
                type: 'header',
                text: { type: 'plain_text', text: `Custom: ${payload.title}` },
              },
            ]);
          },
        });
      },
    });
    const knex = await databases.init('SQLITE_3');
    backend = await startBackend(knex, slack.url, { features: [layout] });
    await send(backend, toUsers(['alice']));
    await outboxDrained(backend);
    expect(slack.messages[0].attachments![0].blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: 'Custom: Hello alice' },
      },
    ]);
  });
});
