import { randomUUID } from 'node:crypto';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { NotificationsStore } from '../store/NotificationsStore';
import { registerGetNotificationsAction } from './getNotificationsAction';
import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';

jest.setTimeout(60_000);

const USER = 'user:default/mock';

const base = Date.parse('2026-03-01T00:00:00Z');

describeEachDatabase('notifications:get-notifications', database => {
  let knex: Knex;
  let registry: ReturnType<typeof actionsRegistryServiceMock>;
  beforeEach(async () => {
    knex = await database.migrated();
    registry = actionsRegistryServiceMock();
    registerGetNotificationsAction({
      actionsRegistry: registry,
      store: new NotificationsStore(knex),
      auth: mockServices.auth(),
    });
  });

  const invokeAs = (credentials: BackstageCredentials, input: object) =>
    registry.invoke({
      id: 'test:get-notifications',
      input: input as any,
      credentials,
    });
  const invoke = async (input: object) =>
    (await invokeAs(mockCredentials.user(USER), input)).output as any;
  const titles = (output: any) =>
    output.notifications.map((n: any) => n.payload.title);
  const insert = (row: object) =>
    knex('notification').insert({
      id: randomUUID(),
      user: USER,
      origin: 'plugin:test',
      severity: 'normal',
      created: new Date(base),
      ...row,
    });

  it('lists the calling user’s notifications by view and filters', async () => {
    const rows = [
      {
        title: 'unread build failed',
        severity: 'high',
        topic: 'builds',
        read: null,
        saved: null,
      },
      {
        title: 'read deploy done',
        severity: 'normal',
        topic: 'deploys',
        read: new Date(base),
        saved: null,
      },
      {
        title: 'saved and read',
        severity: 'low',
        topic: 'builds',
        read: new Date(base),
        saved: new Date(base),
      },
      {
        title: 'unread low',
        severity: 'low',
        topic: null,
        read: null,
        saved: null,
      },
    ];
    for (const [i, row] of rows.entries()) {
      await insert({ created: new Date(base + i * 1000), ...row });
    }
    await insert({ user: 'user:default/other', title: 'not mine' });

    const unread = await invoke({});
    expect(titles(unread)).toEqual(['unread low', 'unread build failed']);
    expect(unread.totalCount).toBe(2);
    expect(typeof unread.notifications[0].created).toBe('string');
    expect(titles(await invoke({ view: 'read' }))).toEqual([
      'saved and read',
      'read deploy done',
    ]);
    expect(titles(await invoke({ view: 'saved' }))).toEqual(['saved and read']);
    expect(titles(await invoke({ view: 'all', topic: 'builds' }))).toEqual([
      'saved and read',
      'unread build failed',
    ]);
    expect(
      titles(await invoke({ view: 'all', minimumSeverity: 'normal' })),
    ).toEqual(['read deploy done', 'unread build failed']);
    expect(titles(await invoke({ view: 'all', search: 'DEPLOY' }))).toEqual([
      'read deploy done',
    ]);
    expect(
      titles(
        await invoke({ view: 'all', createdAfter: '2026-03-01T00:00:02Z' }),
      ),
    ).toEqual(['unread low', 'saved and read']);
    const page = await invoke({ view: 'all', limit: 1, offset: 1 });
    expect(titles(page)).toEqual(['saved and read']);
    expect(page.totalCount).toBe(4);

    await expect(
      invokeAs(mockCredentials.service('plugin:catalog'), {}),
    ).rejects.toThrow('This action requires user credentials');
    await expect(invoke({ limit: 101 })).rejects.toThrow();
  });

  it('pages 10 from the newest by default, bounds the limit and keeps unread saved items in the saved view', async () => {
    for (let i = 0; i < 12; i++) {
      await insert({
        title: `n${i}`,
        created: new Date(base + i * 1000),
        saved: i === 3 ? new Date(base) : null,
      });
    }

    const firstPage = await invoke({});
    expect(titles(firstPage)).toEqual([
      'n11',
      'n10',
      'n9',
      'n8',
      'n7',
      'n6',
      'n5',
      'n4',
      'n3',
      'n2',
    ]);
    expect(firstPage.totalCount).toBe(12);
    expect(titles(await invoke({ offset: 10 }))).toEqual(['n1', 'n0']);
    expect(titles(await invoke({ limit: 100 }))).toHaveLength(12);
    expect(titles(await invoke({ limit: 1 }))).toEqual(['n11']);

    const saved = await invoke({ view: 'saved' });
    expect(titles(saved)).toEqual(['n3']);
    expect(saved.notifications[0].read).toBeNull();

    for (const input of [
      { limit: 0 },
      { limit: 101 },
      { limit: 1.5 },
      { offset: -1 },
      { view: 'archived' },
    ]) {
      await expect(invoke(input)).rejects.toThrow();
    }
    await expect(invoke({ createdAfter: 'yesterday' })).rejects.toThrow(
      'Unexpected date format',
    );
    await expect(invokeAs(mockCredentials.none(), {})).rejects.toThrow(
      'This action requires user credentials',
    );
  });
});
