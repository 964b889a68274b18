import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { EmailDeliveryStore, notificationVersion } from './deliveryStore';
import { makeNotification } from './__testUtils__/startEmailModule';

jest.setTimeout(60_000);

describe('EmailDeliveryStore', () => {
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
      const store = await EmailDeliveryStore.create(database);
      // A second start finds the schema in place.
      await EmailDeliveryStore.create(database);

      const notification = makeNotification();
      const other = makeNotification();
      await store.recordFinished(notification, 'a@example.com', 'delivered');
      await store.recordFinished(notification, 'a@example.com', 'delivered');
      await store.recordFinished(notification, 'b@example.com', 'rejected');
      await store.recordFinished(other, 'c@example.com', 'delivered');

      const addresses = ['a@example.com', 'b@example.com', 'c@example.com'];
      expect(
        [...(await store.finishedAddresses(notification, addresses))].sort(),
      ).toEqual(['a@example.com', 'b@example.com']);
      const resent = {
        ...notification,
        updated: new Date('2026-02-01T00:00:00Z'),
      };
      expect(await store.finishedAddresses(resent, addresses)).toEqual(
        new Set(),
      );

      expect(await store.deleteOlderThan(60_000)).toBe(0);
      expect(await store.deleteOlderThan(-60_000)).toBe(3);
      expect(await store.finishedAddresses(notification, addresses)).toEqual(
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
