import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migrateModuleDatabase } from '@herald/plugin-notifications-node';
import { EMAIL_MIGRATIONS } from './migrations';
import { SentEmailLog, notificationVersion } from './SentEmailLog';
import { makeNotification } from './__testUtils__/startEmailModule';

jest.setTimeout(60_000);

describe('SentEmailLog', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });

  it.each(databases.eachSupportedId())(
    'remembers finished addresses per notification version, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const log = new SentEmailLog(
        await migrateModuleDatabase(database, EMAIL_MIGRATIONS),
      );
      // A second start finds the schema in place.
      await migrateModuleDatabase(database, EMAIL_MIGRATIONS);

      const notification = makeNotification();
      const other = makeNotification();
      await log.recordFinished(notification, 'a@example.com', 'delivered');
      await log.recordFinished(notification, 'a@example.com', 'delivered');
      await log.recordFinished(notification, 'b@example.com', 'rejected');
      await log.recordFinished(other, 'c@example.com', 'delivered');

      const addresses = ['a@example.com', 'b@example.com', 'c@example.com'];
      expect(
        [...(await log.finishedAddresses(notification, addresses))].sort(),
      ).toEqual(['a@example.com', 'b@example.com']);
      const resent = {
        ...notification,
        updated: new Date('2026-02-01T00:00:00Z'),
      };
      expect(await log.finishedAddresses(resent, addresses)).toEqual(new Set());

      expect(await log.deleteOlderThan(60_000)).toBe(0);
      expect(await log.deleteOlderThan(-60_000)).toBe(3);
      expect(await log.finishedAddresses(notification, addresses)).toEqual(
        new Set(),
      );
    },
  );

  it('derives the same version from a Date and its JSON form', () => {
    const notification = makeNotification();
    expect(notificationVersion(JSON.parse(JSON.stringify(notification)))).toBe(
      notificationVersion(notification),
    );
  });
});
