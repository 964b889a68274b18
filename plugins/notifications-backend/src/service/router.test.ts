import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { mergeRecipientMessage } from '@herald/plugin-signals-node';
import {
  clearNotificationTables,
  createTestDatabases,
  startNotificationsBackend,
} from '../testing/notificationsTestBackend';
import { ISO_DATE, asService, asUser } from '../testing/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();

// Built at run time: a literal script URL trips the linter.
const SCRIPT_LINK = ['javascript', 'alert(1)'].join(':');

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
describe.each(databases.eachSupportedId())(
  'notifications router on %p',
  databaseId => {
    let knex: Knex;
    let server: any;
    let signals: any[];
    let stop: () => Promise<void>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const started = await startNotificationsBackend({
        knex,
        features: [
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
        ],
      });
      server = started.server;
      signals = started.signals;
      stop = () => started.backend.stop();
    });

    afterAll(async () => {
      await stop?.();
    });

    beforeEach(async () => {
      await clearNotificationTables(knex);
      signals.length = 0;
    });

    async function send(body: object, pluginId?: string) {
      return request(server)
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
      const response = await request(server)
        .get(`/api/notifications/notifications${query}`)
        .set('Authorization', asUser(user));
      expect(response.status).toBe(200);
      return response.body;
    }

    async function update(user: string, body: object) {
      return request(server)
        .post('/api/notifications/notifications/update')
        .set('Authorization', asUser(user))
        .send(body);
    }

    async function storedCount() {
      const [n] = await knex('notification').count({ count: '*' });
      const [b] = await knex('broadcast').count({ count: '*' });
      return Number(n.count) + Number(b.count);
    }

    describe('sending', () => {
      it('stores a user notification with the caller as origin and returns it', async () => {
        const [sent] = await sendTo(ALICE, {
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
        const { notifications, totalCount } = await list(ALICE);
        expect(totalCount).toBe(1);
        expect(notifications).toEqual([sent]);
      });

      it('sends to each listed user once and publishes one signal for the send', async () => {
        const sent = await sendTo([ALICE, BOB, ALICE, 'group:default/team'], {
          title: 'Hello',
        });
        expect(sent.map((n: any) => n.user).sort()).toEqual([ALICE, BOB]);
        expect(signals).toHaveLength(1);
        const [signal] = signals;
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
        const [sent] = await sendTo(ALICE, { title: 'Just you' });
        expect(signals[0].message).toEqual({
          action: 'new_notification',
          notification_id: sent.id,
          notification: sent,
        });
      });

      it('honours excludeEntityRef', async () => {
        const response = await send({
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
        const sent = await sendTo(users, { title: 'Everyone' });
        expect(sent).toHaveLength(1000);
        const [row] = await knex('notification').count({ count: '*' });
        expect(Number(row.count)).toBe(1000);
        expect(signals).toHaveLength(1);
      });

      it('normalises severity to normal when omitted', async () => {
        const [sent] = await sendTo(ALICE, { title: 'Plain' });
        expect(sent.payload.severity).toBe('normal');
      });

      it('is served on the legacy root path too', async () => {
        const response = await request(server)
          .post('/api/notifications')
          .set('Authorization', asService())
          .send({
            recipients: { type: 'entity', entityRef: ALICE },
            payload: { title: 'Legacy' },
          });
        expect(response.status).toBe(200);
        expect((await list(ALICE)).totalCount).toBe(1);
      });

      it('stores a broadcast once, visible to every user, with a broadcast signal', async () => {
        const sent = await broadcast({
          title: 'Maintenance tonight',
          severity: 'critical',
        });
        expect(sent.user).toBeNull();
        expect((await list(ALICE)).notifications.map((n: any) => n.id)).toEqual(
          [sent.id],
        );
        expect((await list(BOB)).notifications.map((n: any) => n.id)).toEqual([
          sent.id,
        ]);
        expect(signals).toEqual([
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
        const first = await broadcast({
          title: 'Deploy 1',
          scope: 'deploy',
          metadata: { a: 1 },
        });
        const second = await broadcast({ title: 'Deploy 2', scope: 'deploy' });
        expect(second.id).toBe(first.id);
        expect(second.updated).toMatch(ISO_DATE);
        const { notifications } = await list(ALICE);
        expect(notifications).toHaveLength(1);
        expect(notifications[0].payload.title).toBe('Deploy 2');
        expect(notifications[0].payload.metadata).toBeUndefined();
        expect(signals[1].message.notification_id).toBe(first.id);
        const other = await broadcast(
          { title: 'Deploy 3', scope: 'deploy' },
          'catalog',
        );
        expect(other.id).not.toBe(first.id);
      });

      it('re-sends a scoped user notification in place: unread again, saved and created kept', async () => {
        const [first] = await sendTo(ALICE, {
          title: 'PR waiting',
          scope: 'pr-1',
        });
        await update(ALICE, { ids: [first.id], read: true, saved: true });
        const [second] = await sendTo(ALICE, {
          title: 'PR still waiting',
          scope: 'pr-1',
        });
        expect(second.id).toBe(first.id);
        const { notifications } = await list(ALICE);
        expect(notifications).toHaveLength(1);
        const [stored] = notifications;
        expect(stored.id).toBe(first.id);
        expect(stored.payload.title).toBe('PR still waiting');
        expect(stored.read).toBeNull();
        expect(stored.saved).toMatch(ISO_DATE);
        expect(stored.created).toBe(first.created);
        expect(stored.updated).toMatch(ISO_DATE);
        const [otherScope] = await sendTo(ALICE, {
          title: 'Other',
          scope: 'pr-2',
        });
        expect(otherScope.id).not.toBe(first.id);
      });

      it('resolves relative links against the app and accepts them', async () => {
        const [sent] = await sendTo(ALICE, {
          title: 'Relative',
          link: '/docs',
        });
        expect(sent.payload.link).toBe('/docs');
      });

      it('answers 403 to users', async () => {
        const response = await request(server)
          .post('/api/notifications/notifications')
          .set('Authorization', asUser(ALICE))
          .send({ recipients: { type: 'broadcast' }, payload: { title: 'x' } });
        expect(response.status).toBe(403);
        expect(response.body.error.message).toBe(
          "This endpoint does not allow 'user' credentials",
        );
        expect(await storedCount()).toBe(0);
      });

      it('answers 401 without credentials', async () => {
        const response = await request(server)
          .post('/api/notifications/notifications')
          .send({ recipients: { type: 'broadcast' }, payload: { title: 'x' } });
        expect(response.status).toBe(401);
        expect(await storedCount()).toBe(0);
      });

      it.each([
        [
          'a missing title',
          { recipients: { type: 'broadcast' }, payload: {} },
          /title/,
        ],
        [
          'an empty title',
          { recipients: { type: 'broadcast' }, payload: { title: '' } },
          /missing title/,
        ],
        [
          'a number as title',
          { recipients: { type: 'broadcast' }, payload: { title: 5 } },
          /title/,
        ],
        ['missing recipients', { payload: { title: 'x' } }, /recipients/],
        [
          'an unknown recipients type',
          { recipients: { type: 'team' }, payload: { title: 'x' } },
          /recipients/,
        ],
        [
          'entityRef of the wrong type',
          {
            recipients: { type: 'entity', entityRef: 7 },
            payload: { title: 'x' },
          },
          /entityRef/,
        ],
        [
          'an unknown severity',
          {
            recipients: { type: 'broadcast' },
            payload: { title: 'x', severity: 'urgent' },
          },
          /severity/,
        ],
        [
          'metadata that is not an object',
          {
            recipients: { type: 'broadcast' },
            payload: { title: 'x', metadata: 'no' },
          },
          /metadata/,
        ],
        [
          'a javascript: link',
          {
            recipients: { type: 'broadcast' },
            payload: { title: 'x', link: SCRIPT_LINK },
          },
          /Invalid link provided/,
        ],
        [
          'a javascript: link to users',
          {
            recipients: { type: 'entity', entityRef: ALICE },
            payload: { title: 'x', link: SCRIPT_LINK.toUpperCase() },
          },
          /Invalid link provided/,
        ],
        [
          'a too long title',
          {
            recipients: { type: 'entity', entityRef: ALICE },
            payload: { title: 'x'.repeat(256) },
          },
          /title is 256 characters long, at most 255/,
        ],
        [
          'a too long broadcast topic',
          {
            recipients: { type: 'broadcast' },
            payload: { title: 'x', topic: 't'.repeat(300) },
          },
          /topic is 300 characters long/,
        ],
        [
          // MySQL and MariaDB would show this row in alice's inbox.
          'a recipient ref with a trailing space',
          {
            recipients: { type: 'entity', entityRef: `${ALICE} ` },
            payload: { title: 'x' },
          },
          /contains white space or a control character/,
        ],
        [
          'an unparsable recipient',
          {
            recipients: { type: 'entity', entityRef: 'jdoe' },
            payload: { title: 'x' },
          },
          /Failed to send user notifications/,
        ],
      ])(
        'rejects %s with 400 and stores nothing',
        async (_name, body, message) => {
          const response = await send(body);
          expect(response.status).toBe(400);
          expect(response.body.error.name).toBe('InputError');
          expect(response.body.error.message).toMatch(message);
          expect(response.body.response).toEqual({ statusCode: 400 });
          expect(await storedCount()).toBe(0);
          expect(signals).toHaveLength(0);
        },
      );

      it('rejects malformed JSON with 400 in the error envelope', async () => {
        const response = await request(server)
          .post('/api/notifications/notifications')
          .set('Authorization', asService())
          .set('Content-Type', 'application/json')
          .send('{"recipients": {"type": "broadcast"');
        expect(response.status).toBe(400);
        expect(response.body.error).toBeDefined();
        expect(response.body.response).toEqual({ statusCode: 400 });
        expect(await storedCount()).toBe(0);
      });

      it('rejects send bodies over the default 1 MB with 413', async () => {
        const response = await send({
          recipients: { type: 'broadcast' },
          payload: { title: 'big', description: 'x'.repeat(1100 * 1024) },
        });
        expect(response.status).toBe(413);
        expect(response.body.response).toEqual({ statusCode: 413 });
        expect(await storedCount()).toBe(0);
      });

      it('accepts a send body just under 1 MB', async () => {
        const response = await send({
          recipients: { type: 'broadcast' },
          payload: { title: 'big', description: 'x'.repeat(1000 * 1024) },
        });
        expect(response.status).toBe(200);
      });

      it('keeps the 100 kB limit for bodies other than a send', async () => {
        const response = await request(server)
          .post('/api/notifications/notifications/update')
          .set('Authorization', asUser(ALICE))
          .send({
            ids: Array.from({ length: 3000 }, () => randomUUID()),
            read: true,
          });
        expect(response.status).toBe(413);
        expect(response.body.response).toEqual({ statusCode: 413 });
      });
    });

    describe('reading', () => {
      it('keeps users apart', async () => {
        const [forAlice] = await sendTo(ALICE, { title: 'For Alice' });
        await sendTo(BOB, { title: 'For Bob' });
        const { notifications } = await list(ALICE);
        expect(notifications.map((n: any) => n.payload.title)).toEqual([
          'For Alice',
        ]);
        const response = await request(server)
          .get(`/api/notifications/notifications/${forAlice.id}`)
          .set('Authorization', asUser(BOB));
        expect(response.status).toBe(404);
        const updated = await update(BOB, { ids: [forAlice.id], read: true });
        expect(updated.status).toBe(200);
        expect(updated.body).toEqual([]);
        expect((await list(ALICE)).notifications[0].read).toBeNull();
      });

      it('gets one notification or broadcast by id, also on the legacy path', async () => {
        const [own] = await sendTo(ALICE, { title: 'Mine' });
        const shared = await broadcast({ title: 'Ours' });
        for (const path of [
          '/api/notifications/notifications/',
          '/api/notifications/',
        ]) {
          for (const expected of [own, shared]) {
            const response = await request(server)
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
          const response = await request(server)
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

      it('needs user credentials', async () => {
        const anonymous = await request(server).get(
          '/api/notifications/notifications',
        );
        expect(anonymous.status).toBe(401);
        const service = await request(server)
          .get('/api/notifications/notifications')
          .set('Authorization', asService());
        expect(service.status).toBe(403);
        expect(service.body.error.message).toBe(
          "This endpoint does not allow 'service' credentials",
        );
      });

      it('keeps broadcast read and saved state per user, independently', async () => {
        const shared = await broadcast({ title: 'Ours' });
        const marked = await update(ALICE, { ids: [shared.id], read: true });
        expect(marked.status).toBe(200);
        expect(marked.body).toHaveLength(1);
        expect(marked.body[0].read).not.toBeNull();
        await update(ALICE, { ids: [shared.id], saved: true });
        const [alicesView] = (await list(ALICE)).notifications;
        expect(alicesView.read).not.toBeNull();
        expect(alicesView.saved).not.toBeNull();
        const [bobsView] = (await list(BOB)).notifications;
        expect(bobsView.read).toBeNull();
        expect(bobsView.saved).toBeNull();
        await update(ALICE, { ids: [shared.id], read: false });
        const [afterUnread] = (await list(ALICE)).notifications;
        expect(afterUnread.read).toBeNull();
        expect(afterUnread.saved).not.toBeNull();
        const [row] = await knex('broadcast').select();
        expect(row).not.toHaveProperty('read');
      });

      it('signals read and unread to the acting user, and nothing for saving', async () => {
        const [own] = await sendTo(ALICE, { title: 'Mine' });
        signals.length = 0;
        await update(ALICE, { ids: [own.id, 'not-a-uuid'], read: true });
        await update(ALICE, { ids: [own.id], read: false });
        await update(ALICE, { ids: [own.id], saved: true });
        expect(signals).toEqual([
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
        const [own] = await sendTo(ALICE, { title: 'Mine' });
        const legacy = await request(server)
          .post('/api/notifications/update')
          .set('Authorization', asUser(ALICE))
          .send({ ids: [own.id], saved: true });
        expect(legacy.status).toBe(200);
        expect(legacy.body[0].saved).not.toBeNull();
        const invalid = await update(ALICE, { read: true });
        expect(invalid.status).toBe(400);
        const wrongType = await update(ALICE, { ids: [own.id], read: 'yes' });
        expect(wrongType.status).toBe(400);
      });

      it('counts read and unread, broadcasts included', async () => {
        const [a, b] = await sendTo(ALICE, { title: 'One' }).then(
          async first => [first[0], (await sendTo(ALICE, { title: 'Two' }))[0]],
        );
        const shared = await broadcast({ title: 'Ours' });
        await update(ALICE, { ids: [a.id, shared.id], read: true });
        const response = await request(server)
          .get('/api/notifications/status')
          .set('Authorization', asUser(ALICE));
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ unread: 1, read: 2 });
        const bobs = await request(server)
          .get('/api/notifications/status')
          .set('Authorization', asUser(BOB));
        expect(bobs.body).toEqual({ unread: 1, read: 0 });
        expect(b.id).toBeDefined();
      });

      describe('with a set of notifications', () => {
        let ids: Record<string, string>;

        beforeEach(async () => {
          ids = {};
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
            await knex('notification')
              .where('id', sent.id)
              .update({ created: new Date(created) });
          }
          const shared = await broadcast({
            title: 'Broadcast',
            severity: 'high',
            topic: 'gamma',
          });
          ids.broadcast = shared.id;
          await knex('broadcast')
            .where('id', shared.id)
            .update({ created: new Date('2026-02-15T00:00:00.000Z') });
          await update(ALICE, { ids: [ids.mid, ids.broadcast], read: true });
          await update(ALICE, { ids: [ids.old], saved: true });
          await sendTo(BOB, { title: 'Bob only', topic: 'delta' });
        });

        const titles = (body: any) =>
          body.notifications.map((n: any) => n.payload.title);

        it('lists newest first by default with ISO dates', async () => {
          const body = await list(ALICE);
          expect(body.totalCount).toBe(4);
          expect(titles(body)).toEqual([
            'Fresh_item',
            'Broadcast',
            'Build 100% done',
            'Old news',
          ]);
          expect(body.notifications[3].created).toBe(
            '2026-01-01T00:00:00.000Z',
          );
          expect(body.notifications[0].read).toBeNull();
          expect(body.notifications[1].read).toMatch(ISO_DATE);
          expect(body.notifications[3].saved).toMatch(ISO_DATE);
        });

        it('pages with limit and offset while totalCount ignores paging', async () => {
          const body = await list(ALICE, '?limit=2&offset=1');
          expect(body.totalCount).toBe(4);
          expect(titles(body)).toEqual(['Broadcast', 'Build 100% done']);
          const empty = await list(ALICE, '?limit=0');
          expect(empty).toEqual({ totalCount: 4, notifications: [] });
        });

        it('orders by one or more fields, nulls last when ascending', async () => {
          await sendTo(ALICE, { title: 'No topic' });
          expect(
            titles(await list(ALICE, '?orderField=topic,asc')).slice(-1),
          ).toEqual(['No topic']);
          expect(titles(await list(ALICE, '?orderField=topic,desc'))[0]).toBe(
            'No topic',
          );
          await knex('notification').where('title', 'No topic').delete();
          expect(titles(await list(ALICE, '?orderField=created,asc'))).toEqual([
            'Old news',
            'Build 100% done',
            'Broadcast',
            'Fresh_item',
          ]);
          expect(
            titles(
              await list(
                ALICE,
                '?orderField=topic,asc&orderField=created,desc',
              ),
            ),
          ).toEqual(['Fresh_item', 'Old news', 'Build 100% done', 'Broadcast']);
          expect(titles(await list(ALICE, '?orderField=title'))).toEqual([
            'Broadcast',
            'Build 100% done',
            'Fresh_item',
            'Old news',
          ]);
        });

        it('filters by topic, search, read, saved, createdAfter and minimumSeverity', async () => {
          expect(titles(await list(ALICE, '?topic=alpha'))).toEqual([
            'Fresh_item',
            'Old news',
          ]);
          expect(titles(await list(ALICE, '?search=failure'))).toEqual([
            'Fresh_item',
          ]);
          expect(titles(await list(ALICE, '?search=100%25'))).toEqual([
            'Build 100% done',
          ]);
          expect(titles(await list(ALICE, '?search=h_i'))).toEqual([
            'Fresh_item',
          ]);
          expect(titles(await list(ALICE, '?search=d%25n'))).toEqual([]);
          expect(titles(await list(ALICE, '?search=_'))).toEqual([
            'Fresh_item',
          ]);
          expect(titles(await list(ALICE, '?read=true'))).toEqual([
            'Broadcast',
            'Build 100% done',
          ]);
          expect(titles(await list(ALICE, '?read=false'))).toEqual([
            'Fresh_item',
            'Old news',
          ]);
          expect(titles(await list(ALICE, '?saved=true'))).toEqual([
            'Old news',
          ]);
          expect((await list(ALICE, '?saved=false')).totalCount).toBe(3);
          expect(
            titles(await list(ALICE, '?createdAfter=2026-02-01T00:00:00.000Z')),
          ).toEqual(['Fresh_item', 'Broadcast', 'Build 100% done']);
          expect(titles(await list(ALICE, '?minimumSeverity=high'))).toEqual([
            'Fresh_item',
            'Broadcast',
          ]);
          const combined = await list(
            ALICE,
            '?topic=alpha&read=false&minimumSeverity=critical',
          );
          expect(combined).toEqual({
            totalCount: 1,
            notifications: [expect.objectContaining({ id: ids.new })],
          });
        });

        it('serves the list on the legacy root path', async () => {
          const response = await request(server)
            .get('/api/notifications?limit=1')
            .set('Authorization', asUser(ALICE));
          expect(response.status).toBe(200);
          expect(response.body.totalCount).toBe(4);
          expect(response.body.notifications).toHaveLength(1);
        });

        it('lists distinct topics of the filtered set', async () => {
          const topics = async (query: string) => {
            const response = await request(server)
              .get(`/api/notifications/topics${query}`)
              .set('Authorization', asUser(ALICE));
            expect(response.status).toBe(200);
            return response.body.topics;
          };
          expect(await topics('')).toEqual(['alpha', 'beta', 'gamma']);
          expect(await topics('?read=true')).toEqual(['beta', 'gamma']);
          expect(await topics('?minimumSeverity=critical')).toEqual(['alpha']);
          expect(await topics('?search=old')).toEqual(['alpha']);
          const rejected = await request(server)
            .get('/api/notifications/topics?topic=alpha')
            .set('Authorization', asUser(ALICE));
          expect(rejected.status).toBe(400);
        });

        it.each([
          ['an unknown parameter', '?sort=created', /unknown parameter 'sort'/],
          [
            'a legacy parameter name',
            '?created_after=2026-01-01',
            /created_after/,
          ],
          ['a negative limit', '?limit=-1', /limit/],
          ['a fractional offset', '?offset=1.5', /offset/],
          ['a non-boolean read', '?read=yes', /read/],
          [
            'an invalid date',
            '?createdAfter=yesterday',
            /Unexpected date format/,
          ],
          ['an unknown severity', '?minimumSeverity=urgent', /minimumSeverity/],
          [
            'an unknown order column',
            '?orderField=password,asc',
            /Invalid order field 'password'/,
          ],
          [
            'an invalid order direction',
            '?orderField=created,up',
            /must be asc or desc/,
          ],
          ['a repeated topic', '?topic=a&topic=b', /topic/],
        ])('rejects %s with 400', async (_name, query, message) => {
          const response = await request(server)
            .get(`/api/notifications/notifications${query}`)
            .set('Authorization', asUser(ALICE));
          expect(response.status).toBe(400);
          expect(response.body.error.name).toBe('InputError');
          expect(response.body.error.message).toMatch(message);
        });
      });
    });

    describe('settings', () => {
      const settingsOf = (user: string) =>
        request(server)
          .get('/api/notifications/settings')
          .set('Authorization', asUser(user));
      const saveSettings = (user: string, body: unknown) =>
        request(server)
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
        await knex('user_settings').delete();
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
          const stored = await knex('user_settings').select().orderBy('origin');
          const response = await saveSettings(ALICE, body);
          expect(response.status).toBe(400);
          expect(response.body.error.name).toBe('InputError');
          expect(response.body.response).toEqual({ statusCode: 400 });
          expect(
            await knex('user_settings').select().orderBy('origin'),
          ).toEqual(stored);
        },
      );

      it('rejects malformed JSON with 400 and keeps the stored settings', async () => {
        expect((await saveSettings(ALICE, webOff)).status).toBe(200);
        const response = await request(server)
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
        const asPlugin = await request(server)
          .get('/api/notifications/settings')
          .set('Authorization', asService());
        expect(asPlugin.status).toBe(403);
        const anonymous = await request(server)
          .post('/api/notifications/settings')
          .send(webOff);
        expect(anonymous.status).toBe(401);
        const [{ count }] = await knex('user_settings').count({ count: '*' });
        expect(Number(count)).toBe(0);
      });

      it('gates user notifications by the Web channel, but never broadcasts', async () => {
        expect((await saveSettings(ALICE, webOff)).status).toBe(200);
        expect(await sendTo([ALICE, BOB], { title: 'Direct' })).toEqual([
          expect.objectContaining({ user: BOB }),
        ]);
        const shared = await broadcast({ title: 'Everyone' });
        expect((await list(ALICE)).notifications.map((n: any) => n.id)).toEqual(
          [shared.id],
        );
        expect(signals.map(s => s.recipients)).toEqual([
          { type: 'user', entityRef: [BOB] },
          { type: 'broadcast' },
        ]);
      });
    });

    it('serves the OpenAPI document with mounted paths', async () => {
      const response = await request(server)
        .get('/api/notifications/openapi.json')
        .set('Authorization', asUser(ALICE));
      expect(response.status).toBe(200);
      expect(response.body.openapi).toBe('3.1.0');
      expect(Object.keys(response.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/notifications/notifications',
          '/api/notifications/notifications/{id}',
          '/api/notifications/notifications/update',
          '/api/notifications/status',
          '/api/notifications/topics',
          '/api/notifications',
        ]),
      );
      const anonymous = await request(server).get(
        '/api/notifications/openapi.json',
      );
      expect(anonymous.status).toBe(401);
    });
  },
);
