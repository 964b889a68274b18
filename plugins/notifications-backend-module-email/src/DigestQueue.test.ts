import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migrateModuleDatabase } from '@herald/plugin-notifications-node';
import { DigestQueue, digestDueAt } from './DigestQueue';
import { EMAIL_MIGRATIONS } from './migrations';
import { makeNotification } from './__testUtils__/startEmailModule';

jest.setTimeout(60_000);

const at = (iso: string) => new Date(iso).getTime();

describe('digestDueAt', () => {
  it.each([
    ['hourly', '2026-03-01T10:20:00Z', '2026-03-01T11:00:00Z'],
    ['hourly', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'],
    ['hourly', '2026-03-01T23:59:59Z', '2026-03-02T00:00:00Z'],
    ['daily', '2026-03-01T07:59:00Z', '2026-03-01T08:00:00Z'],
    ['daily', '2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z'],
    ['daily', '2026-03-01T20:00:00Z', '2026-03-02T08:00:00Z'],
  ] as const)('%s from %s is due at %s', (frequency, queued, due) => {
    expect(new Date(digestDueAt(frequency, at(queued), 8)).toISOString()).toBe(
      new Date(due).toISOString(),
    );
  });
});

describe('DigestQueue', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });

  it.each(databases.eachSupportedId())(
    'lists a claim oldest notification first, whatever order it was queued in, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const queue = new DigestQueue(
        await migrateModuleDatabase(
          mockServices.database({ knex, migrations: { skip: false } }),
          EMAIL_MIGRATIONS,
        ),
      );
      const created = (iso: string) => ({ created: new Date(iso) });
      const sent = [
        makeNotification({ title: 'First' }, created('2026-03-01T10:00:00Z')),
        makeNotification({ title: 'Second' }, created('2026-03-01T10:00:01Z')),
        // Same millisecond as the second; its id comes later.
        makeNotification({ title: 'Third' }, created('2026-03-01T10:00:01Z')),
      ];
      // Outbox workers finish in any order: the newest is queued first.
      for (const notification of [...sent].reverse()) {
        await queue.enqueue({
          deliveryId: `delivery-${notification.id}`,
          userRef: 'user:default/alice',
          addresses: ['alice@example.com'],
          notification,
          url: 'http://localhost:3000/notifications',
          dueAt: at('2026-03-01T11:00:00Z'),
        });
      }

      const claim = await queue.claim(
        'alice@example.com',
        at('2026-03-01T11:00:00Z'),
        60_000,
      );
      expect(claim?.items.map(item => item.title)).toEqual([
        'First',
        'Second',
        'Third',
      ]);
    },
  );
});
