import { mergeRecipientMessage } from '@herald/plugin-signals-node';
import request from 'supertest';
import {
  ALICE,
  BOB,
  ISO_DATE,
  asService,
  asUser,
} from '../../__testUtils__/fixtures';
import { describeEndpoints } from '../../__testUtils__/notificationsApi';

jest.setTimeout(60_000);

describeEndpoints('notifications, status and topics endpoints', api => {
  const { ctx } = api;

  describe('sending', () => {
    it('stores a user notification with the caller as origin and returns it', async () => {
      const [sent] = await api.sendTo(ALICE, {
        title: 'Build failed',
        description: 'The main branch is red',
        link: '/catalog/default/component/herald',
        severity: 'high',
        topic: 'builds',
        icon: 'warning',
        metadata: { pipeline: 42 },
      });
      expect(sent).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        user: ALICE,
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        read: null,
        saved: null,
        updated: null,
        origin: 'plugin:scaffolder',
        payload: {
          title: 'Build failed',
          description: 'The main branch is red',
          link: '/catalog/default/component/herald',
          severity: 'high',
          topic: 'builds',
          scope: null,
          icon: 'warning',
          metadata: { pipeline: 42 },
        },
      });
      const { notifications, totalCount } = await api.list(ALICE);
      expect(totalCount).toBe(1);
      expect(notifications).toEqual([sent]);
    });

    it('sends to each listed user once and publishes one signal for the send', async () => {
      const sent = await api.sendTo([ALICE, BOB, ALICE, 'group:default/team'], {
        title: 'Hello',
      });
      expect(sent.map((n: any) => n.user).sort()).toEqual([ALICE, BOB]);
      expect(ctx.signals).toHaveLength(1);
      const [signal] = ctx.signals;
      expect(signal.channel).toBe('notifications');
      expect(signal.recipients).toEqual({
        type: 'user',
        entityRef: expect.arrayContaining([ALICE, BOB]),
      });
      expect(signal.message).toEqual({
        action: 'new_notification',
        notification: expect.objectContaining({
          payload: expect.objectContaining({ title: 'Hello' }),
        }),
      });
      for (const notification of sent) {
        const own = signal.perRecipient[notification.user];
        expect(mergeRecipientMessage(signal.message, own)).toEqual({
          action: 'new_notification',
          notification_id: notification.id,
          notification,
        });
        // The shared content travels once, not once per recipient.
        expect(JSON.stringify(own)).not.toContain('Hello');
      }
    });

    it('puts the id in the base message when there is a single recipient', async () => {
      const [sent] = await api.sendTo(ALICE, { title: 'Just you' });
      expect(ctx.signals[0].message).toEqual({
        action: 'new_notification',
        notification_id: sent.id,
        notification: sent,
      });
    });

    it('honours excludeEntityRef', async () => {
      const response = await api.send({
        recipients: {
          type: 'entity',
          entityRef: [ALICE, BOB],
          excludeEntityRef: BOB,
        },
        payload: { title: 'Not for Bob' },
      });
      expect(response.body.map((n: any) => n.user)).toEqual([ALICE]);
    });

    it('stores a thousand recipients in one send', async () => {
      const users = Array.from(
        { length: 1000 },
        (_, i) => `user:default/u${i}`,
      );
      const sent = await api.sendTo(users, { title: 'Everyone' });
      expect(sent).toHaveLength(1000);
      const [row] = await ctx.knex('notification').count({ count: '*' });
      expect(Number(row.count)).toBe(1000);
      expect(ctx.signals).toHaveLength(1);
    });

    it('normalises severity to normal when omitted', async () => {
      const [sent] = await api.sendTo(ALICE, { title: 'Plain' });
      expect(sent.payload.severity).toBe('normal');
    });

    it('is served on the legacy root path too', async () => {
      const response = await request(ctx.server)
        .post('/api/notifications')
        .set('Authorization', asService())
        .send({
          recipients: { type: 'entity', entityRef: ALICE },
          payload: { title: 'Legacy' },
        });
      expect(response.status).toBe(200);
      expect((await api.list(ALICE)).totalCount).toBe(1);
    });

    it('stores a broadcast once, visible to every user, with a broadcast signal', async () => {
      const sent = await api.broadcast({
        title: 'Maintenance tonight',
        severity: 'critical',
      });
      expect(sent.user).toBeNull();
      expect(
        (await api.list(ALICE)).notifications.map((n: any) => n.id),
      ).toEqual([sent.id]);
      expect((await api.list(BOB)).notifications.map((n: any) => n.id)).toEqual(
        [sent.id],
      );
      expect(ctx.signals).toEqual([
        {
          recipients: { type: 'broadcast' },
          channel: 'notifications',
          message: {
            action: 'new_notification',
            notification_id: sent.id,
            notification: sent,
          },
        },
      ]);
    });

    it('updates a scoped broadcast in place and returns the stored id', async () => {
      const first = await api.broadcast({
        title: 'Deploy 1',
        scope: 'deploy',
        metadata: { a: 1 },
      });
      const second = await api.broadcast({
        title: 'Deploy 2',
        scope: 'deploy',
      });
      expect(second.id).toBe(first.id);
      expect(second.updated).toMatch(ISO_DATE);
      const { notifications } = await api.list(ALICE);
      expect(notifications).toHaveLength(1);
      expect(notifications[0].payload.title).toBe('Deploy 2');
      expect(notifications[0].payload.metadata).toBeUndefined();
      expect(ctx.signals[1].message.notification_id).toBe(first.id);
      const other = await api.broadcast(
        { title: 'Deploy 3', scope: 'deploy' },
        'catalog',
      );
      expect(other.id).not.toBe(first.id);
    });

    it('re-sends a scoped user notification in place: unread again, saved and created kept', async () => {
      const [first] = await api.sendTo(ALICE, {
        title: 'PR waiting',
        scope: 'pr-1',
      });
      await api.update(ALICE, { ids: [first.id], read: true, saved: true });
      const [second] = await api.sendTo(ALICE, {
        title: 'PR still waiting',
        scope: 'pr-1',
      });
      expect(second.id).toBe(first.id);
      const { notifications } = await api.list(ALICE);
      expect(notifications).toHaveLength(1);
      const [stored] = notifications;
      expect(stored.id).toBe(first.id);
      expect(stored.payload.title).toBe('PR still waiting');
      expect(stored.read).toBeNull();
      expect(stored.saved).toMatch(ISO_DATE);
      expect(stored.created).toBe(first.created);
      expect(stored.updated).toMatch(ISO_DATE);
      const [otherScope] = await api.sendTo(ALICE, {
        title: 'Other',
        scope: 'pr-2',
      });
      expect(otherScope.id).not.toBe(first.id);
    });

    it('resolves relative links against the app and accepts them', async () => {
      const [sent] = await api.sendTo(ALICE, {
        title: 'Relative',
        link: '/docs',
      });
      expect(sent.payload.link).toBe('/docs');
    });
  });

  describe('reading', () => {
    it('keeps users apart', async () => {
      const [forAlice] = await api.sendTo(ALICE, { title: 'For Alice' });
      await api.sendTo(BOB, { title: 'For Bob' });
      const { notifications } = await api.list(ALICE);
      expect(notifications.map((n: any) => n.payload.title)).toEqual([
        'For Alice',
      ]);
      const response = await request(ctx.server)
        .get(`/api/notifications/notifications/${forAlice.id}`)
        .set('Authorization', asUser(BOB));
      expect(response.status).toBe(404);
      const updated = await api.update(BOB, { ids: [forAlice.id], read: true });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual([]);
      expect((await api.list(ALICE)).notifications[0].read).toBeNull();
    });

    it('gets one notification or broadcast by id, also on the legacy path', async () => {
      const [own] = await api.sendTo(ALICE, { title: 'Mine' });
      const shared = await api.broadcast({ title: 'Ours' });
      for (const path of [
        '/api/notifications/notifications/',
        '/api/notifications/',
      ]) {
        for (const expected of [own, shared]) {
          const response = await request(ctx.server)
            .get(`${path}${expected.id}`)
            .set('Authorization', asUser(ALICE));
          expect(response.status).toBe(200);
          expect(response.body).toEqual(expected);
        }
      }
    });

    it.each(['not-a-uuid', '00000000-0000-0000-0000-000000000000'])(
      'answers 404 for id %s',
      async id => {
        const response = await request(ctx.server)
          .get(`/api/notifications/notifications/${id}`)
          .set('Authorization', asUser(ALICE));
        expect(response.status).toBe(404);
        expect(response.body.error).toEqual(
          expect.objectContaining({
            name: 'NotFoundError',
            message: 'Not found',
          }),
        );
      },
    );

    it('keeps broadcast read and saved state per user, independently', async () => {
      const shared = await api.broadcast({ title: 'Ours' });
      const marked = await api.update(ALICE, { ids: [shared.id], read: true });
      expect(marked.status).toBe(200);
      expect(marked.body).toHaveLength(1);
      expect(marked.body[0].read).not.toBeNull();
      await api.update(ALICE, { ids: [shared.id], saved: true });
      const [alicesView] = (await api.list(ALICE)).notifications;
      expect(alicesView.read).not.toBeNull();
      expect(alicesView.saved).not.toBeNull();
      const [bobsView] = (await api.list(BOB)).notifications;
      expect(bobsView.read).toBeNull();
      expect(bobsView.saved).toBeNull();
      await api.update(ALICE, { ids: [shared.id], read: false });
      const [afterUnread] = (await api.list(ALICE)).notifications;
      expect(afterUnread.read).toBeNull();
      expect(afterUnread.saved).not.toBeNull();
      const [row] = await ctx.knex('broadcast').select();
      expect(row).not.toHaveProperty('read');
    });

    it('signals read and unread to the acting user, and nothing for saving', async () => {
      const [own] = await api.sendTo(ALICE, { title: 'Mine' });
      ctx.signals.length = 0;
      await api.update(ALICE, { ids: [own.id, 'not-a-uuid'], read: true });
      await api.update(ALICE, { ids: [own.id], read: false });
      await api.update(ALICE, { ids: [own.id], saved: true });
      expect(ctx.signals).toEqual([
        {
          recipients: { type: 'user', entityRef: [ALICE] },
          channel: 'notifications',
          message: {
            action: 'notification_read',
            notification_ids: [own.id, 'not-a-uuid'],
          },
        },
        {
          recipients: { type: 'user', entityRef: [ALICE] },
          channel: 'notifications',
          message: {
            action: 'notification_unread',
            notification_ids: [own.id],
          },
        },
      ]);
    });

    it('updates on the legacy path, and rejects a body without ids', async () => {
      const [own] = await api.sendTo(ALICE, { title: 'Mine' });
      const legacy = await request(ctx.server)
        .post('/api/notifications/update')
        .set('Authorization', asUser(ALICE))
        .send({ ids: [own.id], saved: true });
      expect(legacy.status).toBe(200);
      expect(legacy.body[0].saved).not.toBeNull();
      const invalid = await api.update(ALICE, { read: true });
      expect(invalid.status).toBe(400);
      const wrongType = await api.update(ALICE, { ids: [own.id], read: 'yes' });
      expect(wrongType.status).toBe(400);
    });

    describe('with a set of notifications', () => {
      let ids: Record<string, string>;

      beforeEach(async () => {
        ids = await api.seedNotificationSet();
      });

      const titles = (body: any) =>
        body.notifications.map((n: any) => n.payload.title);

      it('lists newest first by default with ISO dates', async () => {
        const body = await api.list(ALICE);
        expect(body.totalCount).toBe(4);
        expect(titles(body)).toEqual([
          'Fresh_item',
          'Broadcast',
          'Build 100% done',
          'Old news',
        ]);
        expect(body.notifications[3].created).toBe('2026-01-01T00:00:00.000Z');
        expect(body.notifications[0].read).toBeNull();
        expect(body.notifications[1].read).toMatch(ISO_DATE);
        expect(body.notifications[3].saved).toMatch(ISO_DATE);
      });

      it('pages with limit and offset while totalCount ignores paging', async () => {
        const body = await api.list(ALICE, '?limit=2&offset=1');
        expect(body.totalCount).toBe(4);
        expect(titles(body)).toEqual(['Broadcast', 'Build 100% done']);
        const empty = await api.list(ALICE, '?limit=0');
        expect(empty).toEqual({ totalCount: 4, notifications: [] });
      });

      it('orders by one or more fields, nulls last when ascending', async () => {
        await api.sendTo(ALICE, { title: 'No topic' });
        expect(
          titles(await api.list(ALICE, '?orderField=topic,asc')).slice(-1),
        ).toEqual(['No topic']);
        expect(titles(await api.list(ALICE, '?orderField=topic,desc'))[0]).toBe(
          'No topic',
        );
        await ctx.knex('notification').where('title', 'No topic').delete();
        expect(
          titles(await api.list(ALICE, '?orderField=created,asc')),
        ).toEqual(['Old news', 'Build 100% done', 'Broadcast', 'Fresh_item']);
        expect(
          titles(
            await api.list(
              ALICE,
              '?orderField=topic,asc&orderField=created,desc',
            ),
          ),
        ).toEqual(['Fresh_item', 'Old news', 'Build 100% done', 'Broadcast']);
        expect(titles(await api.list(ALICE, '?orderField=title'))).toEqual([
          'Broadcast',
          'Build 100% done',
          'Fresh_item',
          'Old news',
        ]);
      });

      it('filters by topic, search, read, saved, createdAfter and minimumSeverity', async () => {
        expect(titles(await api.list(ALICE, '?topic=alpha'))).toEqual([
          'Fresh_item',
          'Old news',
        ]);
        expect(titles(await api.list(ALICE, '?search=failure'))).toEqual([
          'Fresh_item',
        ]);
        expect(titles(await api.list(ALICE, '?search=100%25'))).toEqual([
          'Build 100% done',
        ]);
        expect(titles(await api.list(ALICE, '?search=h_i'))).toEqual([
          'Fresh_item',
        ]);
        expect(titles(await api.list(ALICE, '?search=d%25n'))).toEqual([]);
        expect(titles(await api.list(ALICE, '?search=_'))).toEqual([
          'Fresh_item',
        ]);
        expect(titles(await api.list(ALICE, '?read=true'))).toEqual([
          'Broadcast',
          'Build 100% done',
        ]);
        expect(titles(await api.list(ALICE, '?read=false'))).toEqual([
          'Fresh_item',
          'Old news',
        ]);
        expect(titles(await api.list(ALICE, '?saved=true'))).toEqual([
          'Old news',
        ]);
        expect((await api.list(ALICE, '?saved=false')).totalCount).toBe(3);
        expect(
          titles(
            await api.list(ALICE, '?createdAfter=2026-02-01T00:00:00.000Z'),
          ),
        ).toEqual(['Fresh_item', 'Broadcast', 'Build 100% done']);
        expect(titles(await api.list(ALICE, '?minimumSeverity=high'))).toEqual([
          'Fresh_item',
          'Broadcast',
        ]);
        const combined = await api.list(
          ALICE,
          '?topic=alpha&read=false&minimumSeverity=critical',
        );
        expect(combined).toEqual({
          totalCount: 1,
          notifications: [expect.objectContaining({ id: ids.new })],
        });
      });

      it('serves the list on the legacy root path', async () => {
        const response = await request(ctx.server)
          .get('/api/notifications?limit=1')
          .set('Authorization', asUser(ALICE));
        expect(response.status).toBe(200);
        expect(response.body.totalCount).toBe(4);
        expect(response.body.notifications).toHaveLength(1);
      });
    });
  });

  describe('GET /status', () => {
    it('counts read and unread, broadcasts included', async () => {
      const [a, b] = await api
        .sendTo(ALICE, { title: 'One' })
        .then(async first => [
          first[0],
          (await api.sendTo(ALICE, { title: 'Two' }))[0],
        ]);
      const shared = await api.broadcast({ title: 'Ours' });
      await api.update(ALICE, { ids: [a.id, shared.id], read: true });
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
  });

  describe('GET /topics', () => {
    beforeEach(async () => {
      await api.seedNotificationSet();
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
  });
});
