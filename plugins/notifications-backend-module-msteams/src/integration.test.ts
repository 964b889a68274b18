import {
  channelModuleSuite,
  countBy,
  groupEntity,
  outlastOutboxAttempts,
  requestsDuringRetryAfter,
  startNotificationsTestBackend,
  userEntity,
} from '@herald/notifications-test-utils';
import { Knex } from 'knex';
import { notificationsModuleMsTeams } from './module';
import { TEAMS_WEBHOOK_ANNOTATION } from './config';
import { TestTeamsServer } from './__testUtils__/TestTeamsServer';

jest.setTimeout(90_000);

const USERS = ['alice', 'bob', 'carol'];

function entities(teams: TestTeamsServer) {
  return [
    ...USERS.map(name => userEntity(name, { memberOf: ['team-a'] })),
    groupEntity('team-a', USERS, {
      annotations: { [TEAMS_WEBHOOK_ANNOTATION]: teams.url('team-a') },
    }),
    // Not a Power Automate host: never posted to.
    groupEntity('elsewhere', ['alice'], {
      annotations: { [TEAMS_WEBHOOK_ANNOTATION]: 'http://169.254.169.254/x' },
    }),
  ];
}

function startTeamsBackend(knex: Knex, teams: TestTeamsServer) {
  return startNotificationsTestBackend({
    knex,
    modules: [notificationsModuleMsTeams],
    entities: entities(teams),
    // Fewer than any fault test fails: a 5xx, a 429 or a closed port must
    // defer the job, never spend its attempts.
    outbox: { maxAttempts: 2 },
    notifications: {
      processors: {
        msteams: {
          routes: [
            {
              name: 'incidents',
              webhookUrl: teams.url('incidents'),
              filter: { minSeverity: 'high' },
            },
            {
              name: 'deploys',
              webhookUrl: teams.url('deploys'),
              filter: {
                origins: ['external:test-service'],
                includedTopics: ['deploy'],
              },
            },
            // Off: its URL came from an unset environment variable.
            { name: 'unset' },
          ],
          entityWebhooks: {
            enabled: true,
            allowedHosts: ['127.0.0.1'],
          },
        },
      },
    },
  });
}

/** How many cards each (channel, title) pair got. */
function deliveries(teams: TestTeamsServer) {
  return countBy(teams.received.map(card => `${card.channel} ${card.title}`));
}

/** The deliveries of one card per title to the team's and the incidents channel. */
function onceToTeamAndIncidents(titles: string[]) {
  return countBy(
    titles.flatMap(title => [`team-a ${title}`, `incidents ${title}`]),
  );
}

function toTeam(title: string, extra: object = {}) {
  return {
    recipients: {
      type: 'entity',
      entityRef: ['group:default/team-a', 'group:default/elsewhere'],
    },
    payload: { title, ...extra },
  };
}

describe('Teams cards through the notifications backend', () => {
  const { databases, startBackend } = channelModuleSuite(startTeamsBackend);
  let teams: TestTeamsServer;

  beforeEach(async () => {
    teams = await TestTeamsServer.start();
  });

  afterEach(() => teams.stop());

  it.each(databases.eachSupportedId())(
    'posts one card per send and channel, by annotation and by route, %p',
    async databaseId => {
      const backend = await startBackend(
        await databases.init(databaseId),
        teams,
      );
      await expect(backend.settingsChannels('alice')).resolves.toContain(
        'Microsoft Teams',
      );
      const sent = await backend.send(
        toTeam('Disk almost full', {
          severity: 'high',
          description:
            '**not bold** <at>everyone</at> {{DATE(2026-01-01T00:00:00Z)}}',
          link: '/catalog/default/component/svc',
        }),
      );
      expect(sent).toHaveLength(3);
      await backend.send(toTeam('Lunch', { severity: 'low' }));
      const [shipped] = await backend.send({
        recipients: { type: 'broadcast' },
        payload: {
          title: 'Shipped v2',
          topic: 'deploy',
          link: 'https://ci.example.com/runs/1',
        },
      });
      expect(shipped).toMatchObject({ origin: 'external:test-service' });
      await backend.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Not a deploy', topic: 'other' },
      });
      await backend.outboxDrained();

      expect(deliveries(teams)).toEqual({
        'team-a Disk almost full': 1,
        'incidents Disk almost full': 1,
        'team-a Lunch': 1,
        'deploys Shipped v2': 1,
      });
      expect(
        teams.cardsFor('deploys')[0].body.attachments[0].content.actions[0].url,
      ).toBe('https://ci.example.com/runs/1');
      const [card] = teams.cardsFor('incidents');
      const content = card.body.attachments[0].content;
      expect(content.version).toBe('1.4');
      expect(content.body[2]).toEqual({
        type: 'RichTextBlock',
        inlines: [
          {
            type: 'TextRun',
            text: '**not bold** <at>everyone</at> {\u200b{DATE(2026-01-01T00:00:00Z)}}',
          },
        ],
      });
      expect(content.actions).toEqual([
        {
          type: 'Action.OpenUrl',
          title: 'Open',
          url: 'http://localhost:3000/catalog/default/component/svc',
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'posts every card exactly once through 5xx answers and honours Retry-After, %p',
    async databaseId => {
      teams.answer = (channel, n) => {
        if (channel === 'team-a' && n <= 3) {
          return { status: 503 };
        }
        if (channel === 'incidents' && n === 1) {
          return { status: 429, retryAfterSeconds: 2 };
        }
        return { status: 202 };
      };
      const backend = await startBackend(
        await databases.init(databaseId),
        teams,
      );
      const titles = ['One', 'Two', 'Three', 'Four'];
      for (const title of titles) {
        await backend.send(toTeam(title, { severity: 'critical' }));
      }
      await backend.outboxDrained();

      expect(deliveries(teams)).toEqual(onceToTeamAndIncidents(titles));

      const incidents = teams.requests.filter(r => r.channel === 'incidents');
      const [limited] = incidents;
      expect(limited.status).toBe(429);
      expect(requestsDuringRetryAfter(incidents, limited, 2000)).toEqual([]);
      expect(incidents.at(-1)!.at - limited.at).toBeGreaterThanOrEqual(2000);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives up on a channel whose flow is gone, without holding up the others, %p',
    async databaseId => {
      teams.answer = channel =>
        channel === 'team-a' ? { status: 404 } : { status: 202 };
      const backend = await startBackend(
        await databases.init(databaseId),
        teams,
      );
      await backend.send(toTeam('Flow deleted', { severity: 'high' }));
      expect(await backend.outboxDrained()).toEqual({ pending: 0, dead: 0 });

      expect(deliveries(teams)).toEqual({ 'incidents Flow deleted': 1 });
      expect(
        teams.requests.filter(r => r.channel === 'team-a').map(r => r.status),
      ).toEqual([404]);
    },
  );

  it.each(databases.eachSupportedId())(
    'posts the cards of a channel that was down across a backend restart exactly once, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await teams.stop();
      const first = await startBackend(knex, teams);
      for (const title of ['Before restart 1', 'Before restart 2']) {
        await first.send(toTeam(title, { severity: 'high' }));
      }
      await outlastOutboxAttempts(2);
      await expect(first.outboxCounts()).resolves.toMatchObject({ dead: 0 });
      await first.stop();

      await teams.start();
      const backend = await startBackend(knex, teams);
      await backend.send(toTeam('After restart', { severity: 'high' }));
      await backend.outboxDrained();

      expect(deliveries(teams)).toEqual(
        onceToTeamAndIncidents([
          'Before restart 1',
          'Before restart 2',
          'After restart',
        ]),
      );
      await expect(backend.outboxCounts()).resolves.toEqual({
        pending: 0,
        dead: 0,
      });
    },
  );
});
