import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import {
  TestClient,
  startSignalsBackend,
  userToken,
} from './__testUtils__/harness';
import { sharedBusTests, toAlice } from './__testUtils__/replicaSuite';
import { PostgresSignalBus } from './bus/PostgresSignalBus';
import { PostgresSignalStore } from './bus/PostgresSignalStore';
import * as logCompression from '../migrations/20261206000000_signals_log_lz4';
import { SequencedSignal } from './bus/types';

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const withPostgres = databases.supports('POSTGRES_15')
  ? describe
  : describe.skip;
const alice = userToken('alice');

withPostgres(
  'two replicas sharing PostgreSQL (needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)',
  () => {
    let knex: Knex;
    let replicaA: Awaited<ReturnType<typeof startSignalsBackend>>;
    let replicaB: Awaited<ReturnType<typeof startSignalsBackend>>;

    beforeAll(async () => {
      knex = await databases.init('POSTGRES_15');
      replicaA = await startSignalsBackend({ knex });
      replicaB = await startSignalsBackend({ knex });
    }, 30_000);
    afterAll(async () => {
      await replicaA?.backend.stop();
      await replicaB?.backend.stop();
    });

    sharedBusTests({
      replicas: () => ({ a: replicaA, b: replicaB }),
      startReplica: () => startSignalsBackend({ knex }),
      holdAppends: async () => {
        // Every append writes the channel offsets, which this lock blocks.
        const transaction = await knex.transaction();
        await transaction.raw(
          'LOCK TABLE signals_channel_offsets IN EXCLUSIVE MODE',
        );
        return async () => {
          await transaction.commit();
        };
      },
    });

    it('logs only the fields of a signal from a raw event, with its own origin', async () => {
      const onA = await TestClient.open(replicaA.url, alice);
      await onA.subscribe('raw');
      await replicaA.events.publish({
        topic: 'signals',
        eventPayload: {
          ...toAlice({ n: 1 }),
          channel: 'raw',
          origin: 'forged:1',
          offset: 99,
          extra: 'x'.repeat(1000),
        },
      });
      expect(await onA.take()).toEqual([{ channel: 'raw', message: { n: 1 } }]);
      const [row] = await knex('signals_log').where({ channel: 'raw' });
      const logged = JSON.parse(row.payload);
      expect(Object.keys(logged).sort()).toEqual([
        'channel',
        'message',
        'origin',
        'recipients',
      ]);
      expect(logged.origin).not.toBe('forged:1');
      expect(Number(row.channel_offset)).toBe(1);
      await onA.close();
    });

    it('catches up after its listener connection is killed', async () => {
      const onA = await TestClient.open(replicaA.url, alice);
      await onA.subscribe('replicated', 6);
      expect(await onA.take()).toEqual([
        { channel: 'replicated', event: 'subscribed', offset: 6 },
      ]);
      await knex.raw(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE query = 'LISTEN herald_signals' AND datname = current_database()`,
      );
      await replicaB.signals.publish(toAlice({ n: 7 }));
      await replicaB.signals.publish(toAlice({ n: 8 }));
      expect(await onA.take(2)).toEqual([
        { channel: 'replicated', message: { n: 7 }, offset: 7 },
        { channel: 'replicated', message: { n: 8 }, offset: 8 },
      ]);
      await onA.close();
    });

    it('never hands out an offset again after PostgreSQL forgot it', async () => {
      const onA = await TestClient.open(replicaA.url, alice);
      await onA.subscribe('forgotten', null);
      await onA.take();
      for (let n = 1; n <= 3; n++) {
        await replicaA.signals.publish({
          ...toAlice({ n }),
          channel: 'forgotten',
        });
      }
      expect((await onA.take(3)).map(frame => frame.offset)).toEqual([1, 2, 3]);
      // What a crash losing the last unflushed commits leaves behind.
      await knex('signals_channel_offsets')
        .where({ channel: 'forgotten' })
        .update({ last_offset: 1 });
      await replicaA.signals.publish({
        ...toAlice({ n: 4 }),
        channel: 'forgotten',
      });
      expect(await onA.take()).toEqual([
        { channel: 'forgotten', message: { n: 4 }, offset: 4 },
      ]);
      await onA.close();
    });

    it('skips an offset missing from the log instead of holding the channel', async () => {
      const onA = await TestClient.open(replicaA.url, alice);
      await onA.subscribe('replicated', 8);
      expect(await onA.take()).toEqual([
        { channel: 'replicated', event: 'subscribed', offset: 8 },
      ]);
      // An offset taken without a logged signal, which only a lost
      // notification or a hand edit could leave behind.
      await knex('signals_channel_offsets')
        .where({ channel: 'replicated' })
        .increment('last_offset', 1);
      await replicaA.signals.publish(toAlice({ n: 10 }));
      expect(await onA.take()).toEqual([
        { channel: 'replicated', message: { n: 10 }, offset: 10 },
      ]);
      await onA.close();
    });
  },
);

withPostgres('the PostgreSQL bus and the database service', () => {
  it('listens on a connection opened with the settings of a connection function', async () => {
    const base = await databases.init('POSTGRES_15');
    const settings = (base.client as { config: Knex.Config }).config
      .connection as Knex.PgConnectionConfig;
    const knex = knexFactory({
      client: 'pg',
      connection: async () => ({
        ...settings,
        application_name: 'herald-signals-fn',
      }),
    });
    const replica = await startSignalsBackend({ knex });
    try {
      const listeners = await knex('pg_stat_activity')
        .where({
          application_name: 'herald-signals-fn',
          query: 'LISTEN herald_signals',
        })
        .count({ count: '*' });
      expect(Number(listeners[0].count)).toBe(1);
    } finally {
      await replica.backend.stop();
      await knex.destroy();
    }
  }, 30_000);

  it('hands a signal back with the origin it was published with, through the notification, the log and the history', async () => {
    const knex = await databases.init('POSTGRES_15');
    // A backend migrates the bus's tables.
    const replica = await startSignalsBackend({ knex });
    const buses: PostgresSignalBus[] = [];
    const startBus = async () => {
      const bus = new PostgresSignalBus({
        knex,
        logger: mockServices.logger.mock(),
        scheduler: mockServices.scheduler.mock(),
        retentionMs: 60_000,
      });
      const seen: SequencedSignal[] = [];
      await bus.start(
        signal => seen.push(signal),
        history => seen.push(...history),
      );
      buses.push(bus);
      return { bus, seen };
    };
    try {
      const publisher = await startBus();
      const listener = await startBus();
      const large = 'o'.repeat(10_000);
      await publisher.bus.publish({ ...toAlice({ n: 1 }), origin: 'p:1' });
      await publisher.bus.publish({
        ...toAlice({ n: 2, large }),
        origin: 'p:2',
      });
      const deadline = Date.now() + 10_000;
      while (listener.seen.length < 2 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      const later = await startBus();
      for (const { seen } of [publisher, listener, later]) {
        expect(seen.map(s => [s.offset, s.origin])).toEqual([
          [1, 'p:1'],
          [2, 'p:2'],
        ]);
      }
    } finally {
      await Promise.all(buses.map(bus => bus.stop()));
      await replica.backend.stop();
    }
  }, 30_000);

  it('logs a batch of signals exactly as published, large ones compressed with lz4', async () => {
    const knex = await databases.init('POSTGRES_15');
    // A backend migrates the bus's tables.
    const replica = await startSignalsBackend({ knex });
    try {
      const awkward = 'quote " backslash \\ brace { comma , ünïcode \u0000 end';
      const signals = [
        { ...toAlice({ text: awkward }), channel: 'batch-a' },
        { ...toAlice({ text: awkward.repeat(2_000) }), channel: 'batch-b' },
        { ...toAlice({ text: `${awkward}, again` }), channel: 'batch-a' },
      ];
      const offsets = await new PostgresSignalStore(knex).publish(
        signals.map(signal => ({ signal, floor: 1 })),
      );
      expect(offsets).toEqual([1, 1, 2]);

      const rows = await knex('signals_log')
        .whereIn('channel', ['batch-a', 'batch-b'])
        .orderBy('id')
        .select(
          'channel',
          'channel_offset',
          'payload',
          knex.raw('pg_column_compression(payload) as compression'),
        );
      expect(
        rows.map(row => [
          row.channel,
          Number(row.channel_offset),
          JSON.parse(row.payload),
        ]),
      ).toEqual([
        ['batch-a', 1, signals[0]],
        ['batch-b', 1, signals[1]],
        ['batch-a', 2, signals[2]],
      ]);
      expect(rows[1].compression).toBe(
        (await logCompression.hasLz4(knex)) ? 'lz4' : 'pglz',
      );
    } finally {
      await replica.backend.stop();
    }
  }, 30_000);

  it('trims the log in a global scheduled task', async () => {
    const knex = await databases.init('POSTGRES_15');
    const replica = await startSignalsBackend({
      knex,
      config: { signals: { replay: { retention: { seconds: 1 } } } },
    });
    try {
      await replica.signals.publish(toAlice({ n: 1 }));
      expect(await knex('signals_log').count({ count: '*' })).toEqual([
        { count: '1' },
      ]);
      const task = await knex('backstage_backend_tasks__tasks')
        .where('id', 'like', '%signals-log-cleanup%')
        .first();
      expect(task).toBeDefined();
      const deadline = Date.now() + 20_000;
      let left = 1;
      while (left > 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 250));
        const [{ count }] = await knex('signals_log').count({ count: '*' });
        left = Number(count);
      }
      expect(left).toBe(0);
    } finally {
      await replica.backend.stop();
    }
  }, 30_000);
});
