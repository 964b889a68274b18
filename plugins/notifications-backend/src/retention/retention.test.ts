import { randomUUID } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { RetentionStore } from './RetentionStore';
import {
  deleteExpiredNotifications,
  scheduleRetention,
} from './scheduleRetention';
import { applyDatabaseMigrations } from '../store/migrations';
import { createTestDatabases } from '../__testUtils__/notificationsTestBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('retention', () => {
  it.each(databases.eachSupportedId())(
    'deletes exactly what is older than the configured age, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const rows = {
        atCutoff: { created: ago(30 * DAY), updated: null },
        justInside: { created: ago(30 * DAY - 1000), updated: null },
        old: { created: ago(400 * DAY), updated: null },
        oldButUpdated: { created: ago(400 * DAY), updated: ago(DAY) },
        updatedLongAgo: { created: ago(400 * DAY), updated: ago(31 * DAY) },
        updatedAtCutoff: { created: ago(400 * DAY), updated: ago(30 * DAY) },
        updatedJustInside: {
          created: ago(400 * DAY),
          updated: ago(30 * DAY - 1000),
        },
        fresh: { created: ago(DAY), updated: null },
      };
      const ids: Record<string, string> = {};
      for (const [name, times] of Object.entries(rows)) {
        ids[name] = randomUUID();
        await knex('notification').insert({
          id: ids[name],
          user: 'user:default/a',
          title: name,
          severity: 'normal',
          origin: 'plugin:test',
          ...times,
        });
        await knex('broadcast').insert({
          id: (ids[`b-${name}`] = randomUUID()),
          title: name,
          severity: 'normal',
          origin: 'plugin:test',
          ...times,
        });
        await knex('broadcast_user_status').insert({
          broadcast_id: ids[`b-${name}`],
          user: 'user:default/a',
          read: NOW,
        });
      }

      const logger = mockServices.logger.mock();
      const deleted = await deleteExpiredNotifications({
        store: new RetentionStore(knex),
        retentionMs: 30 * DAY,
        logger,
        now: NOW,
      });
      expect(deleted).toBe(8);
      expect(logger.info).toHaveBeenCalledWith(
        'Notification cleaner deleted 8 notifications',
      );
      const kept = [
        'justInside',
        'oldButUpdated',
        'updatedJustInside',
        'fresh',
      ];
      expect(
        (await knex('notification').select('title')).map(r => r.title).sort(),
      ).toEqual([...kept].sort());
      expect(
        (await knex('broadcast').select('title')).map(r => r.title).sort(),
      ).toEqual([...kept].sort());
      expect(
        (await knex('broadcast_user_status').select('broadcast_id'))
          .map(r => r.broadcast_id)
          .sort(),
      ).toEqual(kept.map(name => ids[`b-${name}`]).sort());
    },
  );

  it('schedules a global daily task unless disabled', async () => {
    const scheduler = mockServices.scheduler.mock();
    const store = {} as RetentionStore;
    const logger = mockServices.logger.mock();
    await scheduleRetention({
      retentionMs: undefined,
      scheduler,
      store,
      logger,
    });
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
    await scheduleRetention({
      retentionMs: 365 * DAY,
      scheduler,
      store,
      logger,
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'notification-cleaner',
        scope: 'global',
        frequency: { cron: '0 0 * * *' },
      }),
    );
  });
});
