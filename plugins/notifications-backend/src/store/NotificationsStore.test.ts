import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';
import { NotificationOrder, NotificationsStore } from './NotificationsStore';
import { ALICE } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describeEachDatabase('NotificationsStore', database => {
  it('updates more ids than fit in one statement, and ignores foreign and malformed ids', async () => {
    const knex = await database.migrated();
    const store = new NotificationsStore(knex);
    const created = new Date('2026-01-01T00:00:00.000Z');
    const own = Array.from({ length: 1200 }, (_, i) => ({
      id: randomUUID(),
      user: ALICE,
      title: `n${i}`,
      severity: 'normal',
      origin: 'plugin:test',
      created,
    }));
    const foreignId = randomUUID();
    for (let i = 0; i < own.length; i += 300) {
      await knex('notification').insert(own.slice(i, i + 300));
    }
    await knex('notification').insert({
      id: foreignId,
      user: 'user:default/bob',
      title: 'bob',
      severity: 'normal',
      origin: 'plugin:test',
      created,
    });
    const broadcastId = randomUUID();
    await knex('broadcast').insert({
      id: broadcastId,
      title: 'all',
      severity: 'normal',
      origin: 'plugin:test',
      created,
    });

    const ids = [...own.map(n => n.id), foreignId, broadcastId, 'garbage'];
    await store.updateState(ALICE, ids, { read: true, saved: true });

    expect(await store.status(ALICE)).toEqual({ unread: 0, read: 1201 });
    expect(await store.status('user:default/bob')).toEqual({
      unread: 2,
      read: 0,
    });
    const many = await store.getMany(ALICE, ids);
    expect(many).toHaveLength(1201);
    expect(many.every(n => n.read && n.saved)).toBe(true);

    await store.updateState(ALICE, [broadcastId], { read: false });
    const broadcast = await store.get(ALICE, broadcastId);
    expect(broadcast?.read).toBeUndefined();
    expect(broadcast?.saved).toBeInstanceOf(Date);
  });

  it('matches search terms literally', async () => {
    const knex = await database.migrated();
    const store = new NotificationsStore(knex);
    const titles = [
      '50% off',
      '50 percent',
      'a_b',
      'axb',
      'bang!',
      'it\'s "quoted" \\ here',
    ];
    await knex('notification').insert(
      titles.map(title => ({
        id: randomUUID(),
        user: ALICE,
        title,
        severity: 'normal',
        origin: 'plugin:test',
        created: new Date(),
      })),
    );
    const search = async (term: string) =>
      (
        await store.list(ALICE, {
          search: term,
          orderBy: [{ field: 'title', direction: 'asc' }],
        })
      ).notifications.map(n => n.payload.title);
    expect(await search('0%')).toEqual(['50% off']);
    expect(await search('a_')).toEqual(['a_b']);
    expect(await search('G!')).toEqual(['bang!']);
    expect(await search('"QUOTED" \\')).toEqual(['it\'s "quoted" \\ here']);
    expect(await search('%')).toEqual(['50% off']);
  });

  it('pages through own rows and broadcasts as the whole list sorts them', async () => {
    const knex = await database.migrated();
    const store = new NotificationsStore(knex);
    // Few distinct times, so ties between and within the sides are common.
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i % 4));
    await knex('notification').insert(
      Array.from({ length: 17 }, (_, i) => ({
        id: randomUUID(),
        user: ALICE,
        title: `own ${i % 5}`,
        severity: 'normal',
        origin: 'plugin:test',
        topic: i % 3 === 0 ? null : `t${i % 2}`,
        created: at(i),
        read: i % 2 === 0 ? at(i) : null,
      })),
    );
    await knex('broadcast').insert(
      Array.from({ length: 9 }, (_, i) => ({
        id: randomUUID(),
        title: `all ${i % 5}`,
        severity: 'high',
        origin: 'plugin:test',
        topic: i % 2 === 0 ? null : `t${i % 3}`,
        created: at(i + 1),
      })),
    );
    const orders: NotificationOrder[][] = [
      [{ field: 'created', direction: 'desc' }],
      [{ field: 'created', direction: 'asc' }],
      [{ field: 'title', direction: 'asc' }],
      [{ field: 'topic', direction: 'desc' }],
      [{ field: 'read' }, { field: 'created', direction: 'desc' }],
    ];
    for (const orderBy of orders) {
      for (const read of [undefined, false]) {
        const all = await store.list(ALICE, { orderBy, read });
        const ids = all.notifications.map(n => n.id);
        for (const limit of [1, 3, 7]) {
          const paged: string[] = [];
          for (let offset = 0; offset < ids.length + limit; offset += limit) {
            const page = await store.list(ALICE, {
              orderBy,
              read,
              limit,
              offset,
            });
            expect(page.totalCount).toBe(ids.length);
            paged.push(...page.notifications.map(n => n.id));
          }
          expect(paged).toEqual(ids);
        }
      }
    }
  });
});
