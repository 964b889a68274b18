import request from 'supertest';
import { asUser } from '../../testing/fixtures';
import {
  ALICE,
  BOB,
  useNotificationsApi,
} from '../../testing/notificationsApi';
import { createTestDatabases } from '../../testing/notificationsTestBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'status endpoint on %p',
  databaseId => {
    const { ctx, sendTo, broadcast, update } = useNotificationsApi(
      databases,
      databaseId,
    );

    it('counts read and unread, broadcasts included', async () => {
      const [a, b] = await sendTo(ALICE, { title: 'One' }).then(async first => [
        first[0],
        (await sendTo(ALICE, { title: 'Two' }))[0],
      ]);
      const shared = await broadcast({ title: 'Ours' });
      await update(ALICE, { ids: [a.id, shared.id], read: true });
      const response = await request(ctx.server)
        .get('/api/notifications/status')
        .set('Authorization', asUser(ALICE));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ unread: 1, read: 2 });
      const bobs = await request(ctx.server)
        .get('/api/notifications/status')
        .set('Authorization', asUser(BOB));
      expect(bobs.body).toEqual({ unread: 1, read: 0 });
      expect(b.id).toBeDefined();
    });
  },
);
