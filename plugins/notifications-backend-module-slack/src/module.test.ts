import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is checked against the real backend's settings service.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { notificationsModuleSlack } from './module';

jest.setTimeout(60_000);

describe('notificationsModuleSlack', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function channelsWith(notifications: JsonObject) {
    const backend = await startTestBackend({
      features: [
        notificationsPlugin,
        notificationsModuleSlack,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' }, notifications },
        }),
      ],
    });
    try {
      const response = await request(backend.server)
        .get('/api/notifications/settings')
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(200);
      return response.body.channels.map((c: { id: string }) => c.id);
    } finally {
      await backend.stop();
    }
  }

  it("starts with upstream's documented broadcast routing config unchanged and shows Slack in the settings", async () => {
    await expect(
      channelsWith({
        processors: {
          slack: [
            {
              token: 'xoxb-XXXXXXXXX',
              broadcastChannels: ['general-notifications'],
              broadcastRoutes: [
                {
                  origin: 'plugin:catalog',
                  topic: 'alerts',
                  channel: 'catalog-alerts',
                },
                { origin: 'plugin:catalog', channel: 'catalog-updates' },
                { topic: 'security', channel: 'security-team' },
                {
                  origin: 'external:monitoring',
                  channel: ['ops-team', 'on-call-alerts'],
                },
              ],
            },
          ],
        },
      }),
    ).resolves.toEqual(['Web', 'SlackNotificationProcessor']);
  });

  it('stays off without config or without a token', async () => {
    await expect(channelsWith({})).resolves.toEqual(['Web']);
    await expect(
      channelsWith({ processors: { slack: [{ broadcastChannels: ['x'] }] } }),
    ).resolves.toEqual(['Web']);
  });
});
