import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { DefaultNotificationService as UpstreamNotificationService } from '@backstage/plugin-notifications-node';
import {
  NotificationService,
  notificationService,
} from '@herald/plugin-notifications-node';
import { HERALD_EXTENSIONS_HEADER } from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import { join } from 'node:path';
import {
  clearNotificationTables,
  describeEachDatabase,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import { ALICE } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

// Built at run time: a literal script URL trips the linter.
const SCRIPT_LINK = ['javascript', 'alert(1)'].join(':');

/** Another plugin of the same backend that sends through the node clients. */
function createSenderPlugin(capture: {
  herald?: NotificationService;
  upstream?: { send(options: object): Promise<void> };
}) {
  return createBackendPlugin({
    pluginId: 'sender',
    register(env) {
      env.registerInit({
        deps: {
          notifications: notificationService,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
        },
        async init({ notifications, auth, discovery }) {
          capture.herald = notifications;
          capture.upstream = UpstreamNotificationService.create({
            auth,
            discovery,
          });
        },
      });
    },
  });
}

/**
 * The upstream frontend client ships as an ES module whose package exports
 * only the React entry point; its client class has no other dependency.
 */
function loadUpstreamFrontendClient() {
  const file = join(
    resolvePackagePath('@backstage/plugin-notifications'),
    'dist/api/NotificationsClient.esm.js',
  );
  // The test runner transpiles the module to CommonJS on require.
  return require(file).NotificationsClient;
}

describeEachDatabase('published clients', database => {
  let knex: Knex;
  let server: any;
  let baseUrl: string;
  let stop: () => Promise<void>;
  const capture: Parameters<typeof createSenderPlugin>[0] = {};

  beforeAll(async () => {
    knex = await database.init();
    const started = await startNotificationsBackend({
      knex,
      features: [createSenderPlugin(capture)],
    });
    server = started.server;
    baseUrl = `http://localhost:${server.port()}/api/notifications`;
    stop = () => started.backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  beforeEach(async () => {
    await clearNotificationTables(knex);
  });

  function frontendClient(NotificationsClient: any, user: string) {
    return new NotificationsClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      fetchApi: {
        fetch: (input: any, init?: RequestInit) =>
          fetch(input, {
            ...init,
            headers: {
              ...(init?.headers as Record<string, string>),
              Authorization: mockCredentials.user.header(user),
            },
          }),
      },
    });
  }

  it('sends through our notificationService with the calling plugin as origin', async () => {
    await capture.herald!.send({
      recipients: { type: 'entity', entityRef: ALICE },
      payload: { title: 'From the node client', topic: 'node' },
    });
    const rows = await knex('notification').select('user', 'origin', 'title');
    expect(rows).toEqual([
      { user: ALICE, origin: 'plugin:sender', title: 'From the node client' },
    ]);
  });

  it('rejects with the status when the backend refuses the send', async () => {
    await expect(
      capture.herald!.send({
        recipients: { type: 'broadcast' },
        payload: { title: '' },
      }),
    ).rejects.toThrow(
      'Failed to send notifications: Error: Request failed with status 400',
    );
    await expect(
      capture.herald!.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'x', link: SCRIPT_LINK },
      }),
    ).rejects.toThrow(/status 400/);
    const [{ count }] = await knex('broadcast').count({ count: '*' });
    expect(Number(count)).toBe(0);
  });

  it('accepts sends from the published upstream node client', async () => {
    await capture.upstream!.send({
      recipients: { type: 'broadcast' },
      payload: { title: 'From upstream', severity: 'high' },
    });
    const rows = await knex('broadcast').select('origin', 'title', 'severity');
    expect(rows).toEqual([
      { origin: 'plugin:sender', title: 'From upstream', severity: 'high' },
    ]);
  });

  it('serves the published upstream frontend client unchanged', async () => {
    const NotificationsClient = loadUpstreamFrontendClient();
    await capture.herald!.send({
      recipients: { type: 'entity', entityRef: ALICE },
      payload: { title: 'First', topic: 'alpha', severity: 'low' },
    });
    await capture.herald!.send({
      recipients: { type: 'entity', entityRef: ALICE },
      payload: { title: 'Second', topic: 'beta', severity: 'critical' },
    });
    await capture.herald!.send({
      recipients: { type: 'broadcast' },
      payload: { title: 'Everyone' },
    });
    const client = frontendClient(NotificationsClient, ALICE);

    const all = await client.getNotifications({
      sort: 'topic',
      sortOrder: 'asc',
      limit: 10,
      offset: 0,
    });
    expect(all.totalCount).toBe(3);
    expect(all.notifications.map((n: any) => n.payload.title)).toEqual([
      'First',
      'Second',
      'Everyone',
    ]);

    const filtered = await client.getNotifications({
      search: 'sec',
      read: false,
      minimumSeverity: 'high',
      createdAfter: new Date(Date.now() - 60_000),
      topic: 'beta',
    });
    expect(filtered.notifications.map((n: any) => n.payload.title)).toEqual([
      'Second',
    ]);

    const second = filtered.notifications[0];
    expect(await client.getNotification(second.id)).toEqual(second);

    const updated = await client.updateNotifications({
      ids: [second.id],
      read: true,
      saved: true,
    });
    expect(updated[0].read).toBeTruthy();
    expect(updated[0].saved).toBeTruthy();
    expect(await client.getStatus()).toEqual({ unread: 2, read: 1 });
    expect(await client.getTopics({ read: false })).toEqual({
      topics: ['alpha'],
    });

    const others = frontendClient(NotificationsClient, 'user:default/bob');
    expect((await others.getNotifications()).totalCount).toBe(1);
    await expect(others.getNotification(second.id)).rejects.toThrow(
      /404|Not found/,
    );
  });

  it('shows the published upstream frontend client the same after a Herald client marks done and snoozes', async () => {
    const NotificationsClient = loadUpstreamFrontendClient();
    for (const title of ['First', 'Second']) {
      await capture.herald!.send({
        recipients: { type: 'entity', entityRef: ALICE },
        payload: { title, topic: title.toLowerCase() },
      });
    }
    await capture.herald!.send({
      recipients: { type: 'broadcast' },
      payload: { title: 'Everyone', topic: 'all' },
    });
    const client = frontendClient(NotificationsClient, ALICE);
    const seen = async () => {
      const list = await client.getNotifications();
      return {
        list,
        one: await client.getNotification(list.notifications[0].id),
        status: await client.getStatus(),
        topics: await client.getTopics(),
      };
    };
    const before = await seen();
    const idOf = (title: string) =>
      before.list.notifications.find((n: any) => n.payload.title === title).id;

    // What Herald's frontend client sends: the extensions header and the new fields.
    const heraldUpdate = async (body: object) => {
      const response = await fetch(`${baseUrl}/notifications/update`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [HERALD_EXTENSIONS_HEADER]: 'true',
          Authorization: mockCredentials.user.header(ALICE),
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return await response.json();
    };
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    await heraldUpdate({
      ids: [idOf('First'), idOf('Everyone')],
      snoozedUntil: inAnHour,
    });
    expect(await seen()).toEqual(before);

    // Done also marks read: upstream sees exactly a read notification.
    const [done] = await heraldUpdate({ ids: [idOf('Second')], done: true });
    const asRead = (notification: any) =>
      notification.id === done.id
        ? { ...notification, read: done.done }
        : notification;
    const afterDone = {
      list: {
        ...before.list,
        notifications: before.list.notifications.map(asRead),
      },
      one: asRead(before.one),
      status: { unread: 2, read: 1 },
      topics: before.topics,
    };
    expect(await seen()).toEqual(afterDone);

    await heraldUpdate({ ids: [idOf('Second')], done: false });
    await heraldUpdate({ ids: [idOf('First')], snoozedUntil: null });
    expect(await seen()).toEqual(afterDone);
  });
});
