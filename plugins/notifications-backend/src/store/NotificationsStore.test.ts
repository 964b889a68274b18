import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../testing/notificationsTestBackend';
import { applyDatabaseMigrations } from './migrations';
import { NotificationsStore } from './NotificationsStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ALICE = 'user:default/alice';

describe.each(databases.eachSupportedId())(
  'NotificationsStore on %p',
  databaseId => {
    it('updates more ids than fit in one statement, and ignores foreign and malformed ids', async () => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
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
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
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
  },
);
