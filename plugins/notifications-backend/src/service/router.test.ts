import { TestDatabases } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ALICE, asService, asUser } from '../__testUtils__/fixtures';
import {
  WEB_OFF,
  useNotificationsApi,
} from '../__testUtils__/notificationsApi';

jest.setTimeout(60_000);

/**
 * What the router does before any SQL runs: refusing requests (the spec's
 * validation, the body limits, the sender's own checks) and serving the
 * document. It behaves alike on every database, so it runs once, on SQLite;
 * the endpoints' tests under `endpoints/` run on every database.
 */
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

// Built at run time: a literal script URL trips the linter.
const SCRIPT_LINK = ['javascript', 'alert(1)'].join(':');

describe('the router', () => {
  const { ctx, send, saveSettings, storedCount } = useNotificationsApi(() =>
    databases.init('SQLITE_3'),
  );

  describe('of sends', () => {
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
        expect(ctx.signals).toHaveLength(0);
      },
    );

    it('rejects malformed JSON with 400 in the error envelope', async () => {
      const response = await request(ctx.server)
        .post('/api/notifications/notifications')
        .set('Authorization', asService())
        .set('Content-Type', 'application/json')
        .send('{"recipients": {"type": "broadcast"');
      expect(response.status).toBe(400);
      expect(response.body.error).toBeDefined();
      expect(response.body.response).toEqual({ statusCode: 400 });
      expect(await storedCount()).toBe(0);
    });

    it.each([
      ['refuses', 1100, 413, 0],
      ['accepts', 1000, 200, 1],
    ])(
      '%s a send body of %i kB against the default 1 MB limit',
      async (_verb, kilobytes, status, stored) => {
        const response = await send({
          recipients: { type: 'broadcast' },
          payload: { title: 'big', description: 'x'.repeat(kilobytes * 1024) },
        });
        expect(response.status).toBe(status);
        expect(await storedCount()).toBe(stored);
      },
    );

    it('keeps the 100 kB limit for bodies other than a send', async () => {
      const response = await request(ctx.server)
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

  describe('of list queries', () => {
    it.each([
      ['an unknown parameter', '?sort=created', /unknown parameter 'sort'/],
      ['a legacy parameter name', '?created_after=2026-01-01', /created_after/],
      ['a negative limit', '?limit=-1', /limit/],
      ['a fractional offset', '?offset=1.5', /offset/],
      ['a non-boolean read', '?read=yes', /read/],
      ['an invalid date', '?createdAfter=yesterday', /Unexpected date format/],
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
      const response = await request(ctx.server)
        .get(`/api/notifications/notifications${query}`)
        .set('Authorization', asUser(ALICE));
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toMatch(message);
    });
  });

  describe('of credentials', () => {
    const bodies: Record<string, object> = {
      '/notifications': {
        recipients: { type: 'broadcast' },
        payload: { title: 'x' },
      },
      '/settings': WEB_OFF,
    };
    const call = (
      method: 'get' | 'post',
      path: string,
      authorization?: string,
    ) => {
      const test = request(ctx.server)[method](`/api/notifications${path}`);
      if (authorization) {
        test.set('Authorization', authorization);
      }
      return method === 'post' ? test.send(bodies[path]) : test;
    };
    const expectNothingStored = async () => {
      expect(await storedCount()).toBe(0);
      await expect(ctx.knex('user_settings').select()).resolves.toEqual([]);
    };

    it.each([
      ['post', '/notifications', 'user', asUser(ALICE)],
      ['get', '/notifications', 'service', asService()],
      ['get', '/settings', 'service', asService()],
    ] as const)(
      'refuses %s %s by a %s with 403',
      async (method, path, principal, authorization) => {
        const response = await call(method, path, authorization);
        expect(response.status).toBe(403);
        expect(response.body.error.message).toBe(
          `This endpoint does not allow '${principal}' credentials`,
        );
        await expectNothingStored();
      },
    );

    it.each([
      ['post', '/notifications'],
      ['get', '/notifications'],
      ['post', '/settings'],
    ] as const)(
      'refuses %s %s without credentials with 401',
      async (method, path) => {
        const response = await call(method, path);
        expect(response.status).toBe(401);
        expect(response.body.response).toEqual({ statusCode: 401 });
        await expectNothingStored();
      },
    );
  });

  describe('of settings', () => {
    beforeEach(async () => {
      await ctx.knex('user_settings').delete();
    });

    it.each([
      [
        'an unknown channel',
        { channels: [{ id: 'Nope', origins: [] }] },
        'InputError',
      ],
      [
        'a channel id in the wrong case',
        { channels: [{ id: 'web', origins: [] }] },
        'InputError',
      ],
      ['channels that are not a list', { channels: 'Web' }, 'InputError'],
      [
        'an origin without enabled',
        { channels: [{ id: 'Web', origins: [{ id: 'x' }] }] },
        'InputError',
      ],
      ['malformed JSON', '{"channels": [', 'SyntaxError'],
    ])(
      'rejects %s with 400 and keeps the stored settings',
      async (_name, body, errorName) => {
        expect((await saveSettings(ALICE, WEB_OFF)).status).toBe(200);
        const stored = await ctx.knex('user_settings').select();
        const response = await saveSettings(ALICE, body);
        expect(response.status).toBe(400);
        expect(response.body.error.name).toBe(errorName);
        expect(response.body.response).toEqual({ statusCode: 400 });
        await expect(ctx.knex('user_settings').select()).resolves.toEqual(
          stored,
        );
      },
    );
  });

  it('serves the OpenAPI document with mounted paths', async () => {
    const response = await request(ctx.server)
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
    const anonymous = await request(ctx.server).get(
      '/api/notifications/openapi.json',
    );
    expect(anonymous.status).toBe(401);
  });
});
