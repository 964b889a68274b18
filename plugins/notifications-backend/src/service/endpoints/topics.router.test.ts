import request from 'supertest';
import { asUser } from '../../testing/fixtures';
import { ALICE, useNotificationsApi } from '../../testing/notificationsApi';
import { createTestDatabases } from '../../testing/notificationsTestBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'topics endpoint on %p',
  databaseId => {
    const { ctx, seedNotificationSet } = useNotificationsApi(
      databases,
      databaseId,
    );

    beforeEach(async () => {
      await seedNotificationSet();
    });

    it('lists distinct topics of the filtered set', async () => {
      const topics = async (query: string) => {
        const response = await request(ctx.server)
          .get(`/api/notifications/topics${query}`)
          .set('Authorization', asUser(ALICE));
        expect(response.status).toBe(200);
        return response.body.topics;
      };
      expect(await topics('')).toEqual(['alpha', 'beta', 'gamma']);
      expect(await topics('?read=true')).toEqual(['beta', 'gamma']);
      expect(await topics('?minimumSeverity=critical')).toEqual(['alpha']);
      expect(await topics('?search=old')).toEqual(['alpha']);
      const rejected = await request(ctx.server)
        .get('/api/notifications/topics?topic=alpha')
        .set('Authorization', asUser(ALICE));
      expect(rejected.status).toBe(400);
    });
  },
);
