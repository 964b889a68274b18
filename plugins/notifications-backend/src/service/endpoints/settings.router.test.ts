import request from 'supertest';
import { asService, asUser } from '../../__testUtils__/fixtures';
import {
  ALICE,
  BOB,
  useNotificationsApi,
} from '../../__testUtils__/notificationsApi';
import { createTestDatabases } from '../../__testUtils__/notificationsTestBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'settings endpoints on %p',
  databaseId => {
    const { ctx, sendTo, broadcast, list } = useNotificationsApi(
      databases,
      databaseId,
    );

    const settingsOf = (user: string) =>
      request(ctx.server)
        .get('/api/notifications/settings')
        .set('Authorization', asUser(user));
    const saveSettings = (user: string, body: unknown) =>
      request(ctx.server)
        .post('/api/notifications/settings')
        .set('Authorization', asUser(user))
        .send(body as object);
    const webOff = {
      channels: [
        {
          id: 'Web',
          origins: [{ id: 'plugin:scaffolder', enabled: false }],
        },
      ],
    };

    beforeEach(async () => {
      await ctx.knex('user_settings').delete();
    });

    it('lists the origins a user received, and saves and returns them', async () => {
      await sendTo(ALICE, { title: 'Hello', topic: 'builds' });
      const before = await settingsOf(ALICE);
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        channels: [
          {
            id: 'Web',
            origins: [
              {
                id: 'plugin:scaffolder',
                enabled: true,
                topics: [{ id: 'builds', enabled: true }],
              },
            ],
          },
        ],
      });
      const saved = await saveSettings(ALICE, webOff);
      expect(saved.status).toBe(200);
      expect(saved.body.channels[0].origins[0]).toMatchObject({
        id: 'plugin:scaffolder',
        enabled: false,
      });
      expect((await settingsOf(ALICE)).body).toEqual(saved.body);
      expect((await settingsOf(BOB)).body).toEqual({
        channels: [{ id: 'Web', origins: [] }],
      });
    });

    it.each([
      ['an unknown channel', { channels: [{ id: 'Nope', origins: [] }] }],
      [
        'a channel id in the wrong case',
        { channels: [{ id: 'web', origins: [] }] },
      ],
      ['channels that are not a list', { channels: 'Web' }],
      [
        'an origin without enabled',
        { channels: [{ id: 'Web', origins: [{ id: 'x' }] }] },
      ],
    ])(
      'rejects %s with 400 and keeps the stored settings',
      async (_name, body) => {
        expect((await saveSettings(ALICE, webOff)).status).toBe(200);
        const stored = await ctx
          .knex('user_settings')
          .select()
          .orderBy('origin');
        const response = await saveSettings(ALICE, body);
        expect(response.status).toBe(400);
        expect(response.body.error.name).toBe('InputError');
        expect(response.body.response).toEqual({ statusCode: 400 });
        expect(
          await ctx.knex('user_settings').select().orderBy('origin'),
        ).toEqual(stored);
      },
    );

    it('rejects malformed JSON with 400 and keeps the stored settings', async () => {
      expect((await saveSettings(ALICE, webOff)).status).toBe(200);
      const response = await request(ctx.server)
        .post('/api/notifications/settings')
        .set('Authorization', asUser(ALICE))
        .set('Content-Type', 'application/json')
        .send('{"channels": [');
      expect(response.status).toBe(400);
      expect(response.body.response).toEqual({ statusCode: 400 });
      expect((await settingsOf(ALICE)).body.channels[0].origins).toEqual([
        { id: 'plugin:scaffolder', enabled: false, topics: [] },
      ]);
    });

    it('needs user credentials', async () => {
      const asPlugin = await request(ctx.server)
        .get('/api/notifications/settings')
        .set('Authorization', asService());
      expect(asPlugin.status).toBe(403);
      const anonymous = await request(ctx.server)
        .post('/api/notifications/settings')
        .send(webOff);
      expect(anonymous.status).toBe(401);
      const [{ count }] = await ctx.knex('user_settings').count({ count: '*' });
      expect(Number(count)).toBe(0);
    });

    it('gates user notifications by the Web channel, but never broadcasts', async () => {
      expect((await saveSettings(ALICE, webOff)).status).toBe(200);
      expect(await sendTo([ALICE, BOB], { title: 'Direct' })).toEqual([
        expect.objectContaining({ user: BOB }),
      ]);
      const shared = await broadcast({ title: 'Everyone' });
      expect((await list(ALICE)).notifications.map((n: any) => n.id)).toEqual([
        shared.id,
      ]);
      expect(ctx.signals.map(s => s.recipients)).toEqual([
        { type: 'user', entityRef: [BOB] },
        { type: 'broadcast' },
      ]);
    });
  },
);
