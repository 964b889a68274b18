import { HERALD_EXTENSIONS_HEADER } from '@herald/plugin-notifications-common';
import request from 'supertest';
import { ALICE, BOB, asService, asUser } from '../../__testUtils__/fixtures';
import {
  componentEntity,
  groupEntity,
} from '@herald/plugin-notifications-node/testUtils';
import {
  describeEachDatabase,
  useNotificationsBackend,
} from '../../__testUtils__/notificationsTestBackend';

jest.setTimeout(60_000);

const HOUR = 3_600_000;

/** The keys of a notification as upstream's backend answers. */
const UPSTREAM_KEYS = [
  'created',
  'id',
  'origin',
  'payload',
  'read',
  'saved',
  'updated',
  'user',
];

describeEachDatabase('done, snooze and reasons', database => {
  const backend = useNotificationsBackend(database.init, {
    entities: [
      groupEntity('team', ['alice', 'bob']),
      componentEntity('api', ['group:default/team']),
    ],
  });

  async function send(recipients: object, title: string) {
    const response = await request(backend.server)
      .post('/api/notifications/notifications')
      .set('Authorization', asService())
      .send({ recipients, payload: { title, topic: title } });
    expect(response.status).toBe(200);
    return response.body as Array<{ id: string; user: string | null }>;
  }

  const get = (user: string, path: string, extensions = true) => {
    const req = request(backend.server)
      .get(`/api/notifications${path}`)
      .set('Authorization', asUser(user));
    return extensions ? req.set(HERALD_EXTENSIONS_HEADER, 'true') : req;
  };

  async function list(user: string, query = '') {
    const response = await get(user, `/notifications${query}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function titles(user: string, query: string) {
    const { notifications } = await list(user, query);
    return notifications.map((n: any) => n.payload.title).sort();
  }

  const update = (user: string, body: object) =>
    request(backend.server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', asUser(user))
      .set(HERALD_EXTENSIONS_HEADER, 'true')
      .send(body);

  async function status(user: string, query = '') {
    const response = await get(user, `/status${query}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** Alice's own notification, Bob's, and a broadcast. */
  async function seed() {
    const [own] = await send({ type: 'entity', entityRef: ALICE }, 'own');
    await send({ type: 'entity', entityRef: BOB }, 'bobs');
    const [shared] = await send({ type: 'broadcast' }, 'shared');
    backend.signals.length = 0;
    return { own: own.id, shared: shared.id };
  }

  it('marks own and broadcast notifications done for the caller only; done marks read and can be undone', async () => {
    const { own, shared } = await seed();
    const response = await update(ALICE, { ids: [own, shared], done: true });
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(2);
    for (const notification of response.body) {
      expect(notification.done).toEqual(expect.any(String));
      expect(notification.read).toBe(notification.done);
    }

    expect(await titles(ALICE, '?done=false')).toEqual([]);
    expect(await titles(ALICE, '?done=true')).toEqual(['own', 'shared']);
    expect(await titles(ALICE, '')).toEqual(['own', 'shared']);
    expect(await titles(BOB, '?done=false')).toEqual(['bobs', 'shared']);
    expect(await status(ALICE, '?done=false')).toEqual({
      unread: 0,
      read: 0,
    });
    expect(await status(ALICE)).toEqual({ unread: 0, read: 2 });
    expect(await status(BOB, '?done=false')).toEqual({ unread: 2, read: 0 });
    const topics = await get(ALICE, '/topics?done=true');
    expect(topics.body).toEqual({ topics: ['own', 'shared'] });

    expect(backend.signals.map(s => [s.recipients, s.message])).toEqual([
      [
        { type: 'user', entityRef: [ALICE] },
        { action: 'notification_read', notification_ids: [own, shared] },
      ],
      [
        { type: 'user', entityRef: [ALICE] },
        { action: 'notification_done', notification_ids: [own, shared] },
      ],
    ]);

    backend.signals.length = 0;
    const undone = await update(ALICE, { ids: [own], done: false });
    expect(undone.body[0]).not.toHaveProperty('done');
    expect(undone.body[0].read).toEqual(expect.any(String));
    expect(await titles(ALICE, '?done=false')).toEqual(['own']);
    expect(backend.signals.map(s => s.message)).toEqual([
      { action: 'notification_undone', notification_ids: [own] },
    ]);
  });

  it('snoozes until a time, hidden from the inbox until then, and ends a snooze with null', async () => {
    const { own, shared } = await seed();
    const until = new Date(Date.now() + HOUR).toISOString();
    const response = await update(ALICE, {
      ids: [own, shared],
      snoozedUntil: until,
    });
    expect(response.status).toBe(200);
    expect(response.body.map((n: any) => n.snoozedUntil)).toEqual([
      until,
      until,
    ]);
    expect(response.body.map((n: any) => n.read)).toEqual([null, null]);
    expect(backend.signals.map(s => s.message)).toEqual([
      {
        action: 'notification_snoozed',
        notification_ids: [own, shared],
        until,
      },
    ]);

    expect(await titles(ALICE, '?done=false&snoozed=false')).toEqual([]);
    expect(await titles(ALICE, '?snoozed=true')).toEqual(['own', 'shared']);
    expect(await titles(BOB, '?snoozed=false')).toEqual(['bobs', 'shared']);
    expect(await status(ALICE, '?done=false&snoozed=false')).toEqual({
      unread: 0,
      read: 0,
    });
    expect(await status(ALICE)).toEqual({ unread: 2, read: 0 });

    await update(ALICE, { ids: [shared], snoozedUntil: null });
    expect(await titles(ALICE, '?snoozed=false')).toEqual(['shared']);
    const [row] = await backend.knex('broadcast_user_status').where({
      broadcast_id: shared,
      user: ALICE,
    });
    expect(row.snoozed_until).toBeNull();
  });

  it('refuses a snooze in the past or beyond a year, and bad values, with a 400 and nothing changed', async () => {
    const { own } = await seed();
    const refused = [
      [{ snoozedUntil: new Date(Date.now() - 1000).toISOString() }, /future/],
      [
        {
          snoozedUntil: new Date(Date.now() + 367 * 24 * HOUR).toISOString(),
        },
        /at most a year/,
      ],
      [{ snoozedUntil: 'tomorrow' }, /snoozedUntil/],
      [{ done: 'yes' }, /done/],
    ] as const;
    for (const [body, message] of refused) {
      const response = await update(ALICE, { ids: [own], ...body });
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toMatch(message);
    }
    for (const query of ['?reason=team', '?done=maybe', '?snoozed=1']) {
      const response = await get(ALICE, `/notifications${query}`);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
    }
    expect((await get(ALICE, '/status?reason=direct')).status).toBe(400);
    const [row] = await backend.knex('notification').where('id', own);
    expect(row.snoozed_until).toBeNull();
    expect(row.done).toBeNull();
    expect(backend.signals).toEqual([]);
  });

  it("changes nothing of another user's notification", async () => {
    const { own } = await seed();
    const response = await update(BOB, {
      ids: [own],
      done: true,
      snoozedUntil: new Date(Date.now() + HOUR).toISOString(),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
    const [row] = await backend.knex('notification').where('id', own);
    expect(row.done).toBeNull();
    expect(row.snoozed_until).toBeNull();
    expect(row.read).toBeNull();
  });

  it('stores how each user was reached at send time and filters by it', async () => {
    const sent = await send(
      {
        type: 'entity',
        entityRef: [ALICE, 'group:default/team', 'component:default/api'],
      },
      'reasons',
    );
    await send({ type: 'broadcast' }, 'everyone');
    const byUser = Object.fromEntries((sent as any[]).map(n => [n.user, n]));
    // The send's answer keeps upstream's shape; the stored rows have the reasons.
    expect(byUser[ALICE]).not.toHaveProperty('reasons');

    const team = { type: 'group', entityRef: 'group:default/team' };
    const owner = {
      type: 'owner',
      entityRef: 'component:default/api',
      via: 'group:default/team',
    };
    const aliceOwn = (await list(ALICE, '?reason=direct')).notifications;
    expect(aliceOwn.map((n: any) => n.reasons)).toEqual([
      [{ type: 'direct' }, team, owner],
    ]);
    const bobs = (await list(BOB)).notifications;
    expect(
      Object.fromEntries(bobs.map((n: any) => [n.payload.title, n.reasons])),
    ).toEqual({
      reasons: [team, owner],
      everyone: [{ type: 'broadcast' }],
    });

    expect(await titles(BOB, '?reason=direct')).toEqual([]);
    expect(await titles(BOB, '?reason=group')).toEqual(['reasons']);
    expect(await titles(BOB, '?reason=owner')).toEqual(['reasons']);
    expect(await titles(BOB, '?reason=broadcast')).toEqual(['everyone']);
    const topics = await get(BOB, '/topics?reason=broadcast');
    expect(topics.body).toEqual({ topics: ['everyone'] });
  });

  it("answers in upstream's exact shape to clients that do not ask for the extensions", async () => {
    const { own, shared } = await seed();
    await update(ALICE, { ids: [own], done: true });
    await update(ALICE, {
      ids: [shared],
      snoozedUntil: new Date(Date.now() + HOUR).toISOString(),
    });
    const listed = await get(ALICE, '/notifications', false);
    const one = await get(ALICE, `/notifications/${own}`, false);
    const updated = await request(backend.server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', asUser(ALICE))
      .send({ ids: [own, shared], saved: true });
    for (const notification of [
      ...listed.body.notifications,
      one.body,
      ...updated.body,
    ]) {
      expect(Object.keys(notification).sort()).toEqual(UPSTREAM_KEYS);
    }
  });
});
