import { createServiceFactory } from '@backstage/backend-plugin-api';
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
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { notificationsModuleWebhooks } from './module';
import { TestWebhookReceiver } from './__testUtils__/TestWebhookReceiver';

jest.setTimeout(90_000);

const quietSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ async publish() {} }),
});

const USERS = ['alice', 'bob', 'carol'];
const entities = USERS.map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: [] },
}));

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

type Backend = Awaited<ReturnType<typeof startTestBackend>>;

async function startBackend(
  knex: Knex,
  endpoints: object[],
  // Fewer than any fault test fails: a 5xx, a 429 or a closed port must
  // defer the job, never spend its attempts.
  maxAttempts = 2,
): Promise<Backend> {
  return startTestBackend({
    features: [
      notificationsPlugin,
      notificationsModuleWebhooks,
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
              maxBackoff: '200ms',
              maxAttempts,
            },
            processors: { webhooks: { endpoints } },
          },
        },
      }),
    ],
  });
}

async function send(backend: Backend, body: object) {
  const response = await request(backend.server)
    .post('/api/notifications')
    .set('Authorization', mockCredentials.service.header())
    .send(body);
  expect(response.status).toBe(200);
  return response.body as Array<{ id: string }>;
}

function toUsers(title: string, names: string[] = USERS, extra: object = {}) {
  return {
    recipients: {
      type: 'entity',
      entityRef: names.map(n => `user:default/${n}`),
    },
    payload: { title, ...extra },
  };
}

async function outboxSettled(backend: Backend) {
  const deadline = Date.now() + 60_000;
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

/** Each notification id the receiver got, with how many times. */
function byNotification(receiver: TestWebhookReceiver) {
  const counts: Record<string, number> = {};
  for (const { payload } of receiver.received) {
    counts[payload.data.id] = (counts[payload.data.id] ?? 0) + 1;
  }
  return counts;
}

const once = (ids: string[]) => Object.fromEntries(ids.map(id => [id, 1]));

describe('signed webhooks through the notifications backend', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });
  const receivers: TestWebhookReceiver[] = [];
  let backend: Backend | undefined;

  async function receiver(secret: string) {
    const started = await TestWebhookReceiver.start(secret);
    receivers.push(started);
    return started;
  }

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    for (const r of receivers.splice(0)) {
      await r.stop();
    }
  });

  it.each(databases.eachSupportedId())(
    'signs each notification for the endpoints whose filters take it, %p',
    async databaseId => {
      const allSecret = newSecret();
      const pagingSecret = newSecret();
      const all = await receiver(allSecret);
      const paging = await receiver(pagingSecret);
      backend = await startBackend(await databases.init(databaseId), [
        { id: 'all', url: all.url, secret: allSecret },
        {
          id: 'paging',
          url: paging.url,
          secret: pagingSecret,
          filter: {
            minSeverity: 'critical',
            recipients: ['user:default/bob'],
            origins: ['external:test-service'],
          },
        },
        // Off: its URL came from an unset environment variable.
        { id: 'unset', secret: newSecret() },
      ]);

      const settings = await request(backend.server)
        .get('/api/notifications/settings')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/carol'),
        );
      expect(settings.body.channels.map((c: { id: string }) => c.id)).toContain(
        'Webhooks',
      );
      // Carol switches the Webhooks channel off for this origin.
      const optOut = await request(backend.server)
        .post('/api/notifications/settings')
        .set('Authorization', mockCredentials.user.header('user:default/carol'))
        .send({
          channels: [
            {
              id: 'Webhooks',
              origins: [{ id: 'external:test-service', enabled: false }],
            },
          ],
        });
      expect(optOut.status).toBe(200);

      const greeting = await send(backend, toUsers('Hello'));
      const outage = await send(
        backend,
        toUsers('Database down', ['alice', 'bob'], { severity: 'critical' }),
      );
      const [broadcast] = await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance', severity: 'critical' },
      });
      await outboxSettled(backend);

      const carols = greeting.find(
        n => (n as any).user === 'user:default/carol',
      )!;
      expect(byNotification(all)).toEqual(
        once(
          [...greeting, ...outage, broadcast]
            .filter(n => n !== carols)
            .map(n => n.id),
        ),
      );
      const bobs = outage.find(n => (n as any).user === 'user:default/bob')!;
      expect(byNotification(paging)).toEqual(once([bobs.id]));

      const [event] = paging.received;
      expect(event.payload).toMatchObject({
        type: 'notification.created',
        data: {
          id: bobs.id,
          user: 'user:default/bob',
          origin: 'external:test-service',
          payload: { title: 'Database down', severity: 'critical' },
        },
      });
      // The delivery id: the same message to every endpoint has one id.
      const allIds = all.received
        .filter(r => r.payload.data.id === bobs.id)
        .map(r => r.webhookId);
      expect(allIds).toEqual([event.webhookId]);
    },
  );

  it.each(databases.eachSupportedId())(
    'delivers exactly once through 5xx answers and honours Retry-After, %p',
    async databaseId => {
      const secret = newSecret();
      const hooks = await receiver(secret);
      hooks.answer = n => {
        if (n === 1) {
          return { status: 429, retryAfterSeconds: 2 };
        }
        return n <= 6 ? { status: 503 } : { status: 200 };
      };
      backend = await startBackend(await databases.init(databaseId), [
        { id: 'hooks', url: hooks.url, secret },
      ]);
      const sent = [
        ...(await send(backend, toUsers('One'))),
        ...(await send(backend, toUsers('Two'))),
      ];
      await outboxSettled(backend);

      expect(byNotification(hooks)).toEqual(once(sent.map(n => n.id)));
      expect(Object.values(hooks.counts()).every(c => c === 1)).toBe(true);
      const [limited] = hooks.requests;
      expect(limited.status).toBe(429);
      // Requests already on their way when the 429 came are allowed; then
      // nothing until the time it asked for.
      const during = hooks.requests.filter(
        r => r.at > limited.at + 250 && r.at < limited.at + 2000,
      );
      expect(during).toEqual([]);
      expect(hooks.requests.at(-1)!.at - limited.at).toBeGreaterThanOrEqual(
        2000,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'delivers what a receiver that was down across a backend restart missed exactly once, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const secret = newSecret();
      const hooks = await receiver(secret);
      await hooks.stop();
      const endpoints = [{ id: 'hooks', url: hooks.url, secret }];
      backend = await startBackend(knex, endpoints);
      const before = await send(backend, toUsers('Before restart'));
      // Down for several times maxAttempts × maxBackoff (2 × 200 ms).
      await new Promise(resolve => setTimeout(resolve, 1500));
      await expect(
        request(backend.server)
          .get('/api/notifications/admin/outbox')
          .set('Authorization', mockCredentials.service.header()),
      ).resolves.toMatchObject({ body: { dead: 0 } });
      await backend.stop();
      backend = undefined;

      await hooks.start();
      backend = await startBackend(knex, endpoints);
      const after = await send(backend, toUsers('After restart'));
      expect(await outboxSettled(backend)).toEqual({ pending: 0, dead: 0 });

      expect(byNotification(hooks)).toEqual(
        once([...before, ...after].map(n => n.id)),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'lists dead letters and re-delivers them once through the admin API, %p',
    async databaseId => {
      const secret = newSecret();
      const hooks = await receiver(secret);
      // A refusal, not an outage: it spends attempts and ends dead.
      hooks.answer = () => ({ status: 400 });
      backend = await startBackend(await databases.init(databaseId), [
        { id: 'hooks', url: hooks.url, secret },
      ]);
      const sent = await send(backend, toUsers('Lost?', ['alice', 'bob']));
      expect(await outboxSettled(backend)).toEqual({ pending: 0, dead: 2 });

      const admin = (req: request.Test) =>
        req.set('Authorization', mockCredentials.service.header());
      const forbidden = await request(backend.server)
        .get('/api/notifications/webhooks/deliveries')
        .set('Authorization', mockCredentials.user.header());
      expect(forbidden.status).toBe(403);
      const bad = await admin(
        request(backend.server).get(
          '/api/notifications/webhooks/deliveries?limit=0',
        ),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.name).toBe('InputError');

      const unknownParameter = await admin(
        request(backend.server).get(
          '/api/notifications/webhooks/deliveries?status=dead',
        ),
      );
      expect(unknownParameter.status).toBe(400);
      // The module's spec is served under its own path; the backend's stays.
      const specs = await Promise.all(
        [
          '/api/notifications/webhooks/openapi.json',
          '/api/notifications/openapi.json',
        ].map(path => admin(request(backend!.server).get(path))),
      );
      expect(specs.map(r => r.body.info?.title)).toEqual([
        'notifications-webhooks',
        'notifications',
      ]);

      const listed = await admin(
        request(backend.server).get('/api/notifications/webhooks/deliveries'),
      );
      expect(listed.status).toBe(200);
      expect(
        listed.body.items.map((d: any) => d.notificationId).sort(),
      ).toEqual(sent.map(n => n.id).sort());
      for (const item of listed.body.items) {
        expect(item).toMatchObject({
          endpoint: 'hooks',
          status: 'pending',
          attempts: 2,
          lastStatus: 400,
        });
      }

      hooks.answer = () => ({ status: 204 });
      for (const item of listed.body.items) {
        const redelivered = await admin(
          request(backend.server).post(
            `/api/notifications/webhooks/deliveries/${item.id}/redeliver`,
          ),
        );
        expect(redelivered.status).toBe(200);
        expect(redelivered.body.delivery.status).toBe('delivered');
        const again = await admin(
          request(backend.server).post(
            `/api/notifications/webhooks/deliveries/${item.id}/redeliver`,
          ),
        );
        expect(again.status).toBe(409);
      }
      const missing = await admin(
        request(backend.server).post(
          '/api/notifications/webhooks/deliveries/nope/redeliver',
        ),
      );
      expect(missing.status).toBe(404);

      expect(byNotification(hooks)).toEqual(once(sent.map(n => n.id)));
      const pending = await admin(
        request(backend.server).get('/api/notifications/webhooks/deliveries'),
      );
      expect(pending.body.items).toEqual([]);
    },
  );
});
