import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createDeferred } from '@backstage/types';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import { NotificationProcessor } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';
import { OutboxStore } from './OutboxStore';
import { OutboxWorker } from './OutboxWorker';
import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';
import { FAST_OUTBOX_CONFIG } from '../__testUtils__/processing';

jest.setTimeout(60_000);

const migrations = {
  directory: resolvePackagePath(
    '@herald/plugin-notifications-backend',
    'migrations',
  ),
};

/** Migrates up to, not including, the migration that introduced send rows. */
async function migrateToEarlierVersion(knex: Knex) {
  for (;;) {
    const [, pending] = await knex.migrate.list(migrations);
    if (pending[0].file === '20261203a_outbox_sends.js') {
      return;
    }
    await knex.migrate.up(migrations);
  }
}

function oldNotification(user: string): Notification {
  return {
    id: `11111111-0000-4000-8000-0000000000${user.length}${user.charCodeAt(0)}`,
    user: `user:default/${user}`,
    created: new Date('2026-11-30T08:00:00.000Z'),
    origin: 'plugin:catalog',
    payload: { title: `For ${user}`, severity: 'high' },
  };
}

describeEachDatabase('outbox jobs queued by the earlier version', database => {
  it('are delivered after the upgrade with the notification and options they were queued with', async () => {
    const knex = await database.init();
    await migrateToEarlierVersion(knex);

    const teamSend: NotificationSendOptions = {
      recipients: {
        type: 'entity',
        entityRef: ['user:default/ann', 'user:default/bo'],
      },
      payload: { title: 'Team' },
    };
    const soloSend: NotificationSendOptions = {
      recipients: { type: 'entity', entityRef: 'user:default/cy' },
      payload: { title: 'Solo' },
    };
    const queued = [
      { notification: oldNotification('ann'), options: teamSend },
      { notification: oldNotification('bo'), options: teamSend },
      { notification: oldNotification('cy'), options: soloSend },
    ];
    await knex('notification_outbox').insert(
      queued.map(({ notification, options }, index) => ({
        id: `job-${index}`,
        processor: 'Email',
        notification: JSON.stringify(notification),
        options: JSON.stringify(options),
        status: 'pending',
        attempts: index === 0 ? 1 : 0,
        last_error: index === 0 ? 'mail server down' : null,
        available_at: 0,
        created_at: 0,
      })),
    );

    await knex.migrate.latest(migrations);
    expect(await knex.schema.hasColumn('notification_outbox', 'options')).toBe(
      false,
    );
    // One send row per distinct options document, not per job.
    const [{ count }] = await knex('notification_outbox_send').count({
      count: '*',
    });
    expect(Number(count)).toBe(2);

    const received: Array<{
      notification: Notification;
      options: NotificationSendOptions;
    }> = [];
    const done = createDeferred<void>();
    const processor: NotificationProcessor = {
      getName: () => 'Email',
      postProcess: async (notification, options) => {
        received.push({ notification, options });
        if (received.length === queued.length) {
          done.resolve();
        }
      },
    };
    const store = new OutboxStore(knex);
    const worker = new OutboxWorker(
      store,
      () => [processor],
      { ...FAST_OUTBOX_CONFIG, concurrency: 2 },
      mockServices.logger.mock(),
    );
    worker.start();
    try {
      await done;
    } finally {
      await worker.stop();
    }
    received.sort((a, b) =>
      a.notification.user!.localeCompare(b.notification.user!),
    );
    expect(received).toEqual(queued);
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 0 });
    await expect(knex('notification_outbox_send').select()).resolves.toEqual(
      [],
    );
  });

  it('are given back whole when the migration is reverted', async () => {
    const knex = await database.init();
    await knex.migrate.latest(migrations);
    const options: NotificationSendOptions = {
      recipients: {
        type: 'entity',
        entityRef: ['user:default/ann', 'user:default/bo'],
      },
      payload: { title: 'Team' },
    };
    const shared = oldNotification('ann');
    const personalised = {
      ...oldNotification('bo'),
      payload: { title: 'Only for bo', severity: 'high' as const },
    };
    const plain = {
      ...shared,
      id: oldNotification('cy').id,
      user: 'user:default/cy',
    };
    await new OutboxStore(knex).enqueue(
      options,
      [shared, personalised, plain].map(notification => ({
        notification,
        processors: ['Email'],
      })),
    );

    const applied = (await knex.migrate.list(migrations))[0]
      .map((migration: { name: string }) => migration.name)
      .reverse();
    for (const name of applied) {
      await knex.migrate.down({ ...migrations, name });
      if (name === '20261203a_outbox_sends.js') {
        break;
      }
    }

    expect(await knex.schema.hasTable('notification_outbox_send')).toBe(false);
    const rows = await knex('notification_outbox').select(
      'notification',
      'options',
    );
    const restored = rows
      .map(row => ({
        notification: JSON.parse(row.notification),
        options: JSON.parse(row.options),
      }))
      .sort((a, b) => a.notification.user.localeCompare(b.notification.user));
    expect(restored).toEqual(
      [shared, personalised, plain].map(notification => ({
        notification: JSON.parse(JSON.stringify(notification)),
        options,
      })),
    );
  });
});
