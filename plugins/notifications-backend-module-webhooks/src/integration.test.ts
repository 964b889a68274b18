import { mockCredentials } from '@backstage/backend-test-utils';
import {
  channelModuleSuite,
  countBy,
  outlastOutboxAttempts,
  requestsDuringRetryAfter,
  startNotificationsTestBackend,
  toUserRecipients,
  userEntity,
} from '@herald/notifications-test-utils';
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { notificationsModuleWebhooks } from './module';
import { TestWebhookReceiver } from './__testUtils__/TestWebhookReceiver';

jest.setTimeout(90_000);

const USERS = ['alice', 'bob', 'carol'];

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

function startWebhooksBackend(
  knex: Knex,
  endpoints: object[],
  // Fewer than any fault test fails: a 5xx, a 429 or a closed port must
  // defer the job, never spend its attempts.
  maxAttempts = 2,
) {
  return startNotificationsTestBackend({
    knex,
    modules: [notificationsModuleWebhooks],
    entities: USERS.map(name => userEntity(name)),
    outbox: { maxAttempts },
    notifications: { processors: { webhooks: { endpoints } } },
  });
}

function toUsers(title: string, names: string[] = USERS, extra: object = {}) {
  return {
    recipients: toUserRecipients(names),
    payload: { title, ...extra },
  };
}

/** Each notification id the receiver got, with how many times. */
function byNotification(receiver: TestWebhookReceiver) {
  return countBy(receiver.received.map(({ payload }) => payload.data.id));
}

const once = (ids: string[]) => Object.fromEntries(ids.map(id => [id, 1]));

describe('signed webhooks through the notifications backend', () => {
  const { databases, startBackend } = channelModuleSuite(startWebhooksBackend);
  const receivers: TestWebhookReceiver[] = [];

  async function receiver(secret: string) {
    const started = await TestWebhookReceiver.start(secret);
    receivers.push(started);
    return started;
  }

  afterEach(async () => {
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
      const backend = await startBackend(await databases.init(databaseId), [
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

      await expect(backend.settingsChannels('carol')).resolves.toContain(
        'Webhooks',
      );
      // Carol switches the Webhooks channel off for this origin.
      await backend.saveSettings('carol', [
        {
          id: 'Webhooks',
          origins: [{ id: 'external:test-service', enabled: false }],
        },
      ]);

      const greeting = await backend.send(toUsers('Hello'));
      const outage = await backend.send(
        toUsers('Database down', ['alice', 'bob'], { severity: 'critical' }),
      );
      const [broadcast] = await backend.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance', severity: 'critical' },
      });
      await backend.outboxDrained();

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
      const backend = await startBackend(await databases.init(databaseId), [
        { id: 'hooks', url: hooks.url, secret },
      ]);
      const sent = [
        ...(await backend.send(toUsers('One'))),
        ...(await backend.send(toUsers('Two'))),
      ];
      await backend.outboxDrained();

      expect(byNotification(hooks)).toEqual(once(sent.map(n => n.id)));
      expect(Object.values(hooks.counts()).every(c => c === 1)).toBe(true);
      const [limited] = hooks.requests;
      expect(limited.status).toBe(429);
      expect(requestsDuringRetryAfter(hooks.requests, limited, 2000)).toEqual(
        [],
      );
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
      const first = await startBackend(knex, endpoints);
      const before = await first.send(toUsers('Before restart'));
      await outlastOutboxAttempts(2);
      await expect(first.outboxCounts()).resolves.toMatchObject({ dead: 0 });
      await first.stop();

      await hooks.start();
      const backend = await startBackend(knex, endpoints);
      const after = await backend.send(toUsers('After restart'));
      expect(await backend.outboxDrained()).toEqual({ pending: 0, dead: 0 });

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
      const backend = await startBackend(await databases.init(databaseId), [
        { id: 'hooks', url: hooks.url, secret },
      ]);
      const sent = await backend.send(toUsers('Lost?', ['alice', 'bob']));
      expect(await backend.outboxDrained()).toEqual({ pending: 0, dead: 2 });

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
        ].map(path => admin(request(backend.server).get(path))),
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
