import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  connectAsAnotherReplica,
  describeEachDatabase,
  describeOnPostgres,
} from '../__testUtils__/notificationsTestBackend';
import { NotificationSignals } from '../signals/NotificationSignals';
import { applyDatabaseMigrations } from '../store/migrations';
import { NotificationsStore } from '../store/NotificationsStore';
import {
  SnoozeStore,
  scheduleSnoozeWake,
  wakeSnoozedNotifications,
} from './index';
import { ALICE, BOB } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const HOUR = 3_600_000;

/** One replica's view of the database, publishing into `published`. */
function replica(knex: Knex, published: SignalPayload[]) {
  return {
    snoozes: new SnoozeStore(knex),
    store: new NotificationsStore(knex),
    signals: new NotificationSignals({
      signals: {
        publish: async (signal: SignalPayload) => {
          published.push(signal);
        },
      },
      logger: mockServices.logger.mock(),
    }),
  };
}

async function insertOwn(
  knex: Knex,
  user: string,
  title: string,
  snoozedUntil: Date | null,
) {
  const id = randomUUID();
  await knex('notification').insert({
    id,
    user,
    title,
    severity: 'normal',
    origin: 'plugin:test',
    created: new Date(),
    read: new Date(),
    done: new Date(),
    snoozed_until: snoozedUntil,
    reasons: JSON.stringify([{ type: 'direct' }]),
  });
  return id;
}

async function insertBroadcastSnoozedBy(
  knex: Knex,
  users: string[],
  snoozedUntil: Date,
) {
  const id = randomUUID();
  await knex('broadcast').insert({
    id,
    title: 'Everyone',
    severity: 'normal',
    origin: 'plugin:test',
    created: new Date(),
  });
  await knex('broadcast_user_status').insert(
    users.map(user => ({
      broadcast_id: id,
      user,
      read: new Date(),
      snoozed_until: snoozedUntil,
    })),
  );
  return id;
}

describeEachDatabase('waking snoozed notifications', database => {
  it('ends each due snooze once: unread, out of done, and new again to the user', async () => {
    const knex = await database.migrated();
    const now = new Date();
    const due = await insertOwn(knex, ALICE, 'due', new Date(+now - 1000));
    const later = await insertOwn(knex, ALICE, 'later', new Date(+now + HOUR));
    await insertOwn(knex, ALICE, 'never', null);
    const shared = await insertBroadcastSnoozedBy(
      knex,
      [BOB],
      new Date(+now - 1000),
    );
    const published: SignalPayload[] = [];

    await expect(
      wakeSnoozedNotifications({ ...replica(knex, published), now }),
    ).resolves.toBe(2);

    const [woken] = await knex('notification').where('id', due);
    expect(woken.snoozed_until).toBeNull();
    expect(woken.read).toBeNull();
    expect(woken.done).toBeNull();
    const [stillSnoozed] = await knex('notification').where('id', later);
    expect(stillSnoozed.snoozed_until).not.toBeNull();
    const [status] = await knex('broadcast_user_status').where({
      broadcast_id: shared,
      user: BOB,
    });
    expect(status.snoozed_until).toBeNull();
    expect(status.read).toBeNull();

    expect(
      published
        .map(signal => ({
          recipients: signal.recipients,
          channel: signal.channel,
          action: signal.message.action,
          id: String(signal.message.notification_id),
          notification: signal.message.notification,
        }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(
      [
        {
          recipients: { type: 'user', entityRef: [ALICE] },
          channel: 'notifications',
          action: 'new_notification',
          id: due,
          notification: expect.objectContaining({
            id: due,
            user: ALICE,
            read: null,
            reasons: [{ type: 'direct' }],
          }),
        },
        {
          recipients: { type: 'user', entityRef: [BOB] },
          channel: 'notifications',
          action: 'new_notification',
          id: shared,
          notification: expect.objectContaining({
            id: shared,
            user: null,
            read: null,
            reasons: [{ type: 'broadcast' }],
          }),
        },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    for (const signal of published) {
      expect(signal.message.notification).not.toHaveProperty('done');
      expect(signal.message.notification).not.toHaveProperty('snoozedUntil');
    }

    published.length = 0;
    await expect(
      wakeSnoozedNotifications({ ...replica(knex, published), now }),
    ).resolves.toBe(0);
    expect(published).toEqual([]);
  });
});

describeOnPostgres('two replicas sharing PostgreSQL', init => {
  it('wake each snooze once between them', async () => {
    const knexA = await init();
    const knexB = connectAsAnotherReplica(knexA);
    try {
      await applyDatabaseMigrations(knexA);
      const past = new Date(Date.now() - 1000);
      const users = Array.from({ length: 30 }, (_, i) => `user:default/u${i}`);
      const expected: string[] = [];
      // More than one batch of each kind, so the replicas meet mid-way.
      for (let i = 0; i < 700; i++) {
        const user = users[i % users.length];
        expected.push(`${user} ${await insertOwn(knexA, user, 'own', past)}`);
      }
      for (let i = 0; i < 20; i++) {
        const id = await insertBroadcastSnoozedBy(knexA, users, past);
        expected.push(...users.map(user => `${user} ${id}`));
      }
      const publishedA: SignalPayload[] = [];
      const publishedB: SignalPayload[] = [];
      const [wokenA, wokenB] = await Promise.all([
        wakeSnoozedNotifications(replica(knexA, publishedA)),
        wakeSnoozedNotifications(replica(knexB, publishedB)),
      ]);
      expect(wokenA + wokenB).toBe(expected.length);
      const delivered = [...publishedA, ...publishedB].map(
        signal =>
          `${(signal.recipients as any).entityRef[0]} ${
            signal.message.notification_id
          }`,
      );
      expect(delivered.sort()).toEqual(expected.sort());
      const [{ count }] = await knexA('notification')
        .whereNotNull('snoozed_until')
        .count({ count: '*' });
      expect(Number(count)).toBe(0);
    } finally {
      await knexB.destroy();
    }
  });
});

describe('scheduleSnoozeWake', () => {
  it('schedules a global task, so one replica at a time runs it', async () => {
    const scheduler = mockServices.scheduler.mock();
    await scheduleSnoozeWake({
      scheduler,
      snoozes: {} as SnoozeStore,
      store: {} as NotificationsStore,
      signals: {} as NotificationSignals,
      logger: mockServices.logger.mock(),
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'notification-snooze-waker',
        scope: 'global',
      }),
    );
  });
});
