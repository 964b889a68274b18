import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asService, asUser } from '../../__testUtils__/fixtures';
import {
  describeEachDatabase,
  startNotificationsBackend,
} from '../../__testUtils__/notificationsTestBackend';
import { processorsModule } from '../../__testUtils__/processing';

jest.setTimeout(60_000);

describeEachDatabase('admin outbox routes', database => {
  it('lists dead jobs and re-queues them, for service principals only', async () => {
    const knex = await database.init();
    let receiverUp = false;
    const delivered: string[] = [];
    const { backend, server } = await startNotificationsBackend({
      knex,
      config: {
        notifications: {
          outbox: {
            maxAttempts: 1,
            initialBackoff: { milliseconds: 10 },
            pollInterval: { milliseconds: 20 },
          },
        },
      },
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        processorsModule('outbox-route-test', {
          getName: () => 'Receiver',
          postProcess: async n => {
            if (!receiverUp) {
              throw new Error('receiver refused it');
            }
            delivered.push(n.id);
          },
        }),
      ],
    });
    try {
      const admin = (method: 'get' | 'post', path: string) =>
        request(server)
          [method](`/api/notifications/admin/outbox${path}`)
          .set('Authorization', asService());
      const untilCounts = async (expected: object) => {
        for (;;) {
          const response = await admin('get', '');
          if (JSON.stringify(response.body) === JSON.stringify(expected)) {
            return;
          }
          await new Promise(resolve => setTimeout(resolve, 20));
        }
      };

      const sent = await request(server)
        .post('/api/notifications/notifications')
        .set('Authorization', asService())
        .send({
          recipients: {
            type: 'entity',
            entityRef: ['user:default/alice', 'user:default/bob'],
          },
          payload: { title: 'Deploy failed' },
        });
      expect(sent.status).toBe(200);
      await untilCounts({ pending: 0, dead: 2 });

      const listed = await admin('get', '/dead');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(2);
      expect(listed.body.items[0]).toEqual({
        id: expect.any(String),
        processor: 'Receiver',
        notificationId: expect.any(String),
        user: expect.stringMatching(/^user:default\/(alice|bob)$/),
        attempts: 1,
        lastError: 'receiver refused it',
        queuedAt: expect.any(Number),
      });
      const page = await admin('get', '/dead?offset=1&limit=1');
      expect(page.body.items).toEqual([listed.body.items[1]]);

      // Only services, and only a clear request, get anything re-queued.
      const asAlice = await request(server)
        .post('/api/notifications/admin/outbox/dead/requeue')
        .set('Authorization', asUser('user:default/alice'))
        .send({ all: true });
      expect(asAlice.status).toBe(403);
      const listAsAlice = await request(server)
        .get('/api/notifications/admin/outbox/dead')
        .set('Authorization', asUser('user:default/alice'));
      expect(listAsAlice.status).toBe(403);
      for (const body of [
        {},
        { all: false },
        { ids: [] },
        { ids: ['x'], all: true },
        { ids: 'x' },
      ]) {
        const refused = await admin('post', '/dead/requeue').send(body);
        expect(refused.status).toBe(400);
        expect(refused.body.error.name).toBe('InputError');
      }
      await expect(admin('get', '')).resolves.toMatchObject({
        body: { pending: 0, dead: 2 },
      });

      receiverUp = true;
      const [first, second] = listed.body.items;
      const one = await admin('post', '/dead/requeue').send({
        ids: [first.id, 'no-such-job'],
      });
      expect(one.body).toEqual({ requeued: 1 });
      await untilCounts({ pending: 0, dead: 1 });
      expect(delivered).toEqual([first.notificationId]);

      const rest = await admin('post', '/dead/requeue').send({ all: true });
      expect(rest.body).toEqual({ requeued: 1 });
      await untilCounts({ pending: 0, dead: 0 });
      expect(delivered).toEqual([first.notificationId, second.notificationId]);
    } finally {
      await backend.stop();
    }
  });
});
