// Only tests import this module, so test utilities stay dev dependencies.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
// eslint-disable-next-line @backstage/no-undeclared-imports
import request from 'supertest';
import { ALICE, BOB, asService, asUser } from './fixtures';
import {
  describeEachDatabase,
  useNotificationsBackend,
} from './notificationsTestBackend';

/** Settings that turn off the Web channel for the default sender. */
export const WEB_OFF = {
  channels: [
    {
      id: 'Web',
      origins: [{ id: 'plugin:scaffolder', enabled: false }],
    },
  ],
};

/**
 * A notifications backend on one database for the tests of a file (see
 * {@link useNotificationsBackend}), and the requests the router tests make
 * over and over.
 */
export function useNotificationsApi(init: () => Promise<Knex>) {
  const ctx = useNotificationsBackend(init, {
    features: [
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ],
  });

  async function send(body: object, pluginId?: string) {
    return request(ctx.server)
      .post('/api/notifications/notifications')
      .set('Authorization', asService(pluginId))
      .send(body);
  }

  async function sendTo(users: string | string[], payload: object) {
    const response = await send({
      recipients: { type: 'entity', entityRef: users },
      payload,
    });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function broadcast(payload: object, pluginId?: string) {
    const response = await send(
      { recipients: { type: 'broadcast' }, payload },
      pluginId,
    );
    expect(response.status).toBe(200);
    return response.body[0];
  }

  async function list(user: string, query: string = '') {
    const response = await request(ctx.server)
      .get(`/api/notifications/notifications${query}`)
      .set('Authorization', asUser(user));
    expect(response.status).toBe(200);
    return response.body;
  }

  async function update(user: string, body: object) {
    return request(ctx.server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', asUser(user))
      .send(body);
  }

  const settingsOf = (user: string) =>
    request(ctx.server)
      .get('/api/notifications/settings')
      .set('Authorization', asUser(user));

  const saveSettings = (user: string, body: unknown) =>
    request(ctx.server)
      .post('/api/notifications/settings')
      .set('Authorization', asUser(user))
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  async function storedCount() {
    const [n] = await ctx.knex('notification').count({ count: '*' });
    const [b] = await ctx.knex('broadcast').count({ count: '*' });
    return Number(n.count) + Number(b.count);
  }

  /**
   * Alice's three notifications of different topics, severities and ages, a
   * broadcast, some read and saved, and one for Bob; the ids by key.
   */
  async function seedNotificationSet(): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    const specs = [
      {
        key: 'old',
        title: 'Old news',
        severity: 'low',
        topic: 'alpha',
        created: '2026-01-01T00:00:00.000Z',
      },
      {
        key: 'mid',
        title: 'Build 100% done',
        severity: 'normal',
        topic: 'beta',
        created: '2026-02-01T00:00:00.000Z',
      },
      {
        key: 'new',
        title: 'Fresh_item',
        description: 'Critical FAILURE',
        severity: 'critical',
        topic: 'alpha',
        created: '2026-03-01T00:00:00.000Z',
      },
    ];
    for (const { key, created, ...payload } of specs) {
      const [sent] = await sendTo(ALICE, payload);
      ids[key] = sent.id;
      await ctx
        .knex('notification')
        .where('id', sent.id)
        .update({ created: new Date(created) });
    }
    const shared = await broadcast({
      title: 'Broadcast',
      severity: 'high',
      topic: 'gamma',
    });
    ids.broadcast = shared.id;
    await ctx
      .knex('broadcast')
      .where('id', shared.id)
      .update({ created: new Date('2026-02-15T00:00:00.000Z') });
    await update(ALICE, { ids: [ids.mid, ids.broadcast], read: true });
    await update(ALICE, { ids: [ids.old], saved: true });
    await sendTo(BOB, { title: 'Bob only', topic: 'delta' });
    return ids;
  }

  return {
    ctx,
    send,
    sendTo,
    broadcast,
    list,
    update,
    settingsOf,
    saveSettings,
    storedCount,
    seedNotificationSet,
  };
}

/** The requests of `useNotificationsApi`, against a backend on one database. */
type NotificationsApi = ReturnType<typeof useNotificationsApi>;

/** Describes endpoint tests once per test database, each run against its own backend. */
export function describeEndpoints(
  name: string,
  tests: (api: NotificationsApi) => void,
) {
  describeEachDatabase(name, database => {
    tests(useNotificationsApi(database.init));
  });
}
