import { ResponseError } from '@backstage/errors';
import { NotificationsClient } from './NotificationsClient';
import { markAllRead } from './markAllRead';
import { InMemoryNotificationsApi, makeNotification } from '../__testUtils__';

type Recorded = {
  url: string;
  method: string;
  body?: unknown;
  contentType?: string;
};

function jsonResponse(status: number, body: unknown) {
  const text = JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 200 ? 'OK' : 'Bad Request',
    url: '',
    headers: new Map([['content-type', 'application/json']]),
    json: async () => JSON.parse(text),
    text: async () => text,
  };
}

function setup(status = 200, responseBody: unknown = {}) {
  const requests: Recorded[] = [];
  const client = new NotificationsClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `http://backend.test/api/${pluginId}`,
    },
    fetchApi: {
      fetch: (async (input: string, init?: RequestInit) => {
        requests.push({
          url: input,
          method: init?.method ?? 'GET',
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
          contentType: (init?.headers as Record<string, string> | undefined)?.[
            'Content-Type'
          ],
        });
        return jsonResponse(status, responseBody);
      }) as any,
    },
  });
  return { client, requests };
}

describe('NotificationsClient', () => {
  it('lists with paging, ordering, common filters and topic in the upstream order', async () => {
    const { client, requests } = setup(200, {
      notifications: [],
      totalCount: 0,
    });
    await client.getNotifications({
      limit: 5,
      offset: 10,
      sort: 'created',
      search: 'build failed',
      read: false,
      saved: true,
      createdAfter: new Date('2024-01-02T03:04:05.000Z'),
      minimumSeverity: 'high',
      topic: 'ci',
    });
    expect(requests).toEqual([
      {
        url:
          'http://backend.test/api/notifications/notifications?limit=5&offset=10&orderField=created%2Cdesc' +
          '&search=build+failed&read=false&saved=true&createdAfter=2024-01-02T03%3A04%3A05.000Z' +
          '&minimumSeverity=high&topic=ci',
        method: 'GET',
        body: undefined,
        contentType: undefined,
      },
    ]);
  });

  it('sends no query at all when no option is given, and skips an empty search', async () => {
    const { client, requests } = setup(200, {
      notifications: [],
      totalCount: 0,
    });
    await client.getNotifications();
    await client.getNotifications({
      search: '',
      sort: 'topic',
      sortOrder: 'asc',
    });
    expect(requests.map(r => r.url)).toEqual([
      'http://backend.test/api/notifications/notifications',
      'http://backend.test/api/notifications/notifications?orderField=topic%2Casc',
    ]);
  });

  it('gets one notification with its id encoded, and the status', async () => {
    const { client, requests } = setup(200, { unread: 1, read: 2 });
    await client.getNotification('a/b c');
    await expect(client.getStatus()).resolves.toEqual({ unread: 1, read: 2 });
    expect(requests.map(r => r.url)).toEqual([
      'http://backend.test/api/notifications/notifications/a%2Fb%20c',
      'http://backend.test/api/notifications/status',
    ]);
  });

  it('posts updates and settings as JSON bodies exactly as given', async () => {
    const { client, requests } = setup(200, []);
    await client.updateNotifications({ ids: ['1', '2'], read: true });
    await client.updateNotifications({ ids: ['3'], saved: false });
    const settings = {
      channels: [{ id: 'Web', origins: [{ id: 'plugin:x', enabled: false }] }],
    };
    await client.updateNotificationSettings(settings);
    await client.getNotificationSettings();
    expect(requests).toEqual([
      {
        url: 'http://backend.test/api/notifications/notifications/update',
        method: 'POST',
        body: { ids: ['1', '2'], read: true },
        contentType: 'application/json',
      },
      {
        url: 'http://backend.test/api/notifications/notifications/update',
        method: 'POST',
        body: { ids: ['3'], saved: false },
        contentType: 'application/json',
      },
      {
        url: 'http://backend.test/api/notifications/settings',
        method: 'POST',
        body: settings,
        contentType: 'application/json',
      },
      {
        url: 'http://backend.test/api/notifications/settings',
        method: 'GET',
        body: undefined,
        contentType: undefined,
      },
    ]);
  });

  it('asks for topics with the common filters only', async () => {
    const { client, requests } = setup(200, { topics: ['a'] });
    await expect(
      client.getTopics({ read: true, minimumSeverity: 'low', search: 'x' }),
    ).resolves.toEqual({ topics: ['a'] });
    expect(requests[0].url).toBe(
      'http://backend.test/api/notifications/topics?search=x&read=true&minimumSeverity=low',
    );
  });

  it('sends the done, snoozed and reason filters only when set', async () => {
    const { client, requests } = setup(200, {
      notifications: [],
      totalCount: 0,
      topics: [],
    });
    await client.getNotifications({
      read: false,
      done: false,
      snoozed: false,
      reason: 'group',
    });
    await client.getTopics({ done: true });
    await client.getStatus({ done: false, snoozed: false });
    await client.getStatus({});
    expect(requests.map(r => r.url)).toEqual([
      'http://backend.test/api/notifications/notifications?read=false&done=false&snoozed=false&reason=group',
      'http://backend.test/api/notifications/topics?done=true',
      'http://backend.test/api/notifications/status?done=false&snoozed=false',
      'http://backend.test/api/notifications/status',
    ]);
  });

  it('posts done and snoozedUntil as JSON, null ending a snooze', async () => {
    const { client, requests } = setup(200, []);
    await client.updateNotifications({
      ids: ['1'],
      snoozedUntil: new Date('2030-01-02T03:04:05.000Z'),
    });
    await client.updateNotifications({ ids: ['1'], snoozedUntil: null });
    await client.updateNotifications({ ids: ['2'], done: true });
    expect(requests.map(r => r.body)).toEqual([
      { ids: ['1'], snoozedUntil: '2030-01-02T03:04:05.000Z' },
      { ids: ['1'], snoozedUntil: null },
      { ids: ['2'], done: true },
    ]);
  });

  it('asks for the Herald extensions where notifications come back, and only there', async () => {
    const headersOf: Array<Record<string, string> | undefined> = [];
    const client = new NotificationsClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend.test' },
      fetchApi: {
        fetch: (async (_input: string, init?: RequestInit) => {
          headersOf.push(init?.headers as Record<string, string> | undefined);
          return jsonResponse(200, {});
        }) as any,
      },
    });
    await client.getNotifications();
    await client.getNotification('1');
    await client.updateNotifications({ ids: ['1'], done: true });
    await client.getStatus();
    await client.getTopics();
    await client.getNotificationSettings();
    expect(headersOf).toEqual([
      { 'x-herald-extensions': 'true' },
      { 'x-herald-extensions': 'true' },
      { 'Content-Type': 'application/json', 'x-herald-extensions': 'true' },
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('throws a ResponseError carrying the server error on a non-2xx response', async () => {
    const { client } = setup(400, {
      error: { name: 'InputError', message: 'bad orderField' },
      request: { method: 'GET', url: '/notifications' },
      response: { statusCode: 400 },
    });
    const error = await client
      .getNotifications({ sort: 'created' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(400);
    expect(error.body.error).toEqual({
      name: 'InputError',
      message: 'bad orderField',
    });
    expect(error.cause.message).toBe('bad orderField');
  });
});

describe('markAllRead', () => {
  it('marks every unread notification in bounded batches, never asking for all at once', async () => {
    const api = new InMemoryNotificationsApi(
      Array.from({ length: 7 }, () => makeNotification()).concat(
        makeNotification({ read: new Date() }),
      ),
    );
    await expect(markAllRead(api, 3)).resolves.toBe(7);
    expect((await api.getStatus()).unread).toBe(0);
    const lists = api.callsTo('getNotifications').map(c => c.args as any);
    expect(
      lists.every(options => options.limit === 3 && options.read === false),
    ).toBe(true);
    expect(
      api.callsTo('updateNotifications').map(c => (c.args as any).ids.length),
    ).toEqual([3, 3, 1]);
  });

  it('stops when the server keeps returning the same ids instead of looping', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification(),
      makeNotification(),
    ]);
    api.updateNotifications = async () => [];
    await expect(markAllRead(api, 2)).resolves.toBe(2);
    expect(api.callsTo('getNotifications')).toHaveLength(2);
  });
});
