import {
  TestBackendFeatures,
  channelModuleSuite,
  countBy,
  muteTopic,
  notificationsModuleUsing,
  requestsDuringRetryAfter,
  startNotificationsTestBackend,
  toUserRecipients,
} from '@herald/notifications-test-utils';
import { Knex } from 'knex';
import { notificationsSlackBlockKitExtensionPoint } from './extensions';
import { notificationsModuleSlack } from './module';
import { SlackTestServer } from './__testUtils__/SlackTestServer';
import { TEST_TOKEN, slackGroup, slackUser } from './__testUtils__/fixtures';

jest.setTimeout(90_000);

const entities = [
  slackUser('alice', { slack: 'U0ALICE' }),
  slackUser('bob', { email: 'bob@example.com' }),
  slackUser('carol', { email: 'carol@example.com' }),
  slackUser('dave', { slack: 'U0DAVE' }),
  slackGroup('team-a', ['dave', 'alice', 'bob', 'carol'], 'C0TEAMA'),
];

/** The origin of sends made with mock service credentials. */
const SERVICE_ORIGIN = 'external:test-service';

function startSlackBackend(
  knex: Knex,
  slackUrl: string,
  extra: {
    features?: TestBackendFeatures;
    slack?: object;
    outbox?: object;
  } = {},
) {
  return startNotificationsTestBackend({
    knex,
    modules: [notificationsModuleSlack, ...(extra.features ?? [])],
    entities,
    outbox: {
      maxBackoff: '300ms',
      maxAttempts: 30,
      timeout: '10s',
      ...extra.outbox,
    },
    notifications: {
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
  });
}

function toUsers(names: string[], payload: object = {}) {
  return {
    recipients: toUserRecipients(names),
    payload: { title: `Hello ${names.join(' and ')}`, ...payload },
  };
}

const TEAM_NEWS = {
  recipients: { type: 'entity', entityRef: 'group:default/team-a' },
  payload: { title: 'Team news' },
};

const MAINTENANCE = {
  recipients: { type: 'broadcast' },
  payload: { title: 'Maintenance tonight' },
};

/** Every Herald message the server holds, as "title -> channel" with counts. */
function delivered(slack: SlackTestServer): Record<string, number> {
  return countBy(slack.messages.map(m => `${m.text} -> ${m.channel}`));
}

/** Exactly once per notification id and channel. */
function expectEachPostedOnce(slack: SlackTestServer) {
  for (const [key, count] of slack.postsPer()) {
    expect([key, count]).toEqual([key, 1]);
  }
}

describe('Slack through the notifications backend', () => {
  const { databases, startBackend } = channelModuleSuite(startSlackBackend);
  let slack: SlackTestServer;

  beforeEach(async () => {
    slack = new SlackTestServer({
      token: TEST_TOKEN,
      usersByEmail: { 'bob@example.com': 'U0BOB' },
      channelsByName: { general: 'C0GENERAL' },
    });
    await slack.start();
  });

  afterEach(() => slack.stop());

  it.each(databases.eachSupportedId())(
    'posts DMs, group channels and routed broadcasts, and honours a Slack opt-out, %p',
    async databaseId => {
      const backend = await startBackend(
        await databases.init(databaseId),
        slack.url,
      );

      await expect(backend.settingsChannels('alice')).resolves.toEqual([
        'Web',
        'SlackNotificationProcessor',
      ]);
      await muteTopic(backend.server, 'user:default/alice', {
        channel: 'SlackNotificationProcessor',
        origin: SERVICE_ORIGIN,
        topic: 'muted',
      });

      await backend.send(
        toUsers(['alice', 'bob', 'carol'], {
          description: 'Ask <@user:default/bob> & co',
        }),
      );
      await backend.send(
        toUsers(['alice', 'bob'], { title: 'Muted', topic: 'muted' }),
      );
      await backend.send(TEAM_NEWS);
      await backend.send(MAINTENANCE);
      await backend.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Alert', topic: 'alerts' },
      });
      // Slack refuses an unknown channel for good: recorded, not retried.
      await backend.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Lost', topic: 'nowhere' },
      });
      const { dead } = await backend.outboxDrained();
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
      // The outbox delivers in no set order, so pick the message by its text.
      const toBob = slack.messages.find(
        m =>
          m.channel === 'DU0BOB' && m.text === 'Hello alice and bob and carol',
      )!;
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
      const backend = await startBackend(
        await databases.init(databaseId),
        slack.url,
      );
      slack.faults.push(
        { method: 'chat.postMessage', kind: 'rate-limited', retryAfter: 1 },
        { method: 'chat.postMessage', kind: 'server-error' },
        { method: 'chat.postMessage', kind: 'server-error-after-acting' },
        { method: 'chat.postMessage', kind: 'hang-up' },
      );
      await backend.send(toUsers(['alice', 'bob']));
      await backend.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Ops broadcast', topic: 'deploys' },
      });
      const { dead } = await backend.outboxDrained();
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
      // second that Retry-After asked for was over.
      const limited = slack.calls.find(c => c.status === 429)!;
      expect(requestsDuringRetryAfter(slack.calls, limited, 990, 200)).toEqual(
        [],
      );
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

      const first = await startBackend(knex, url);
      await first.send(toUsers(['alice', 'bob']));
      await first.send(TEAM_NEWS);
      await first.send(MAINTENANCE);
      await new Promise(resolve => setTimeout(resolve, 1000));
      const pending = await first.outboxCounts();
      // DMs to alice and bob, the broadcast, and the team channel's owner;
      // the other members' jobs find the channel owned and finish.
      expect(pending.pending).toBeGreaterThanOrEqual(4);
      await first.stop();

      await slack.start();
      const backend = await startBackend(knex, url);
      await backend.outboxDrained();

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
      const backend = await startBackend(knex, slack.url, {
        outbox: { ...outbox, maxBackoff: '500ms' },
      });
      // Alice's post reaches Slack but its answer is lost, then Slack goes
      // away for longer than the outbox's attempts would last.
      slack.faults.push({
        method: 'chat.postMessage',
        kind: 'server-error-after-acting',
      });
      await backend.send(toUsers(['alice']));
      while (slack.messages.length === 0) {
        await new Promise(resolve => setTimeout(resolve, 10));
      }
      await slack.stop();
      await backend.send(toUsers(['bob']));
      // Three times maxAttempts × maxBackoff: a plain failure would be dead.
      await new Promise(resolve => setTimeout(resolve, 3 * 2 * 500));
      const during = await backend.outboxCounts();
      expect(during).toEqual({ pending: 2, dead: 0 });

      await slack.start();
      await expect(backend.outboxDrained()).resolves.toEqual({
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
      const backend = await startBackend(
        await databases.init(databaseId),
        slack.url.replace(/\/$/, ''),
      );
      await backend.send(
        toUsers(['alice'], { title: 'Build 1 running', scope: 'build-1' }),
      );
      await backend.outboxDrained();
      await backend.send(
        toUsers(['alice'], { title: 'Build 1 passed', scope: 'build-1' }),
      );
      await backend.outboxDrained();

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
      const backend = await startBackend(knex, slack.url, oneAtATime);
      const second = await startBackend(knex, slack.url, oneAtATime);
      for (let i = 0; i < 5; i++) {
        await (i % 2 ? second : backend).send({
          recipients: { type: 'entity', entityRef: 'group:default/team-a' },
          payload: { title: `Team news ${i}` },
        });
      }
      await backend.outboxDrained();
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
    const backend = await startBackend(
      await databases.init('SQLITE_3'),
      slack.url,
      {
        outbox: { maxAttempts: 1 },
      },
    );
    slack.faults.push({
      method: 'chat.postMessage',
      kind: 'rate-limited',
      retryAfter: 6,
    });
    await backend.send(toUsers(['alice', 'bob']));
    const { dead } = await backend.outboxDrained(30_000);
    expect(dead).toBe(0);
    expect(delivered(slack)).toEqual({
      'Hello alice and bob -> DU0ALICE': 1,
      'Hello alice and bob -> DU0BOB': 1,
    });
    const limited = slack.calls.find(c => c.status === 429)!;
    expect(requestsDuringRetryAfter(slack.calls, limited, 5990, 200)).toEqual(
      [],
    );
  });

  it('lets another module supply the blocks', async () => {
    const layout = notificationsModuleUsing(
      'slack-layout',
      notificationsSlackBlockKitExtensionPoint,
      blockKit =>
        blockKit.setBlockKitRenderer(payload => [
          {
            type: 'header',
            text: { type: 'plain_text', text: `Custom: ${payload.title}` },
          },
        ]),
    );
    const knex = await databases.init('SQLITE_3');
    const backend = await startBackend(knex, slack.url, { features: [layout] });
    await backend.send(toUsers(['alice']));
    await backend.outboxDrained();
    expect(slack.messages[0].attachments![0].blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: 'Custom: Hello alice' },
      },
    ]);
  });
});
