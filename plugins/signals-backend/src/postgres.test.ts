import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  TestClient,
  startSignalsBackend,
  userToken,
} from './__testUtils__/harness';

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const withPostgres = databases.supports('POSTGRES_15')
  ? describe
  : describe.skip;
const alice = userToken('alice');

const toAlice = (message: Record<string, unknown>) => ({
  recipients: { type: 'user' as const, entityRef: 'user:default/alice' },
  channel: 'replicated',
  message: message as any,
});

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

    it('delivers across replicas and resumes on the other replica', async () => {
      const onA = await TestClient.open(replicaA.url, alice);
      await onA.subscribe('replicated', null);
      expect(await onA.take()).toEqual([
        { channel: 'replicated', event: 'subscribed', offset: 0 },
      ]);

      await replicaB.signals.publish(toAlice({ n: 1 }));
      const large = 'x'.repeat(20_000);
      await replicaB.signals.publish(toAlice({ n: 2, large }));
      expect(await onA.take(2)).toEqual([
        { channel: 'replicated', message: { n: 1 }, offset: 1 },
        { channel: 'replicated', message: { n: 2, large }, offset: 2 },
      ]);
      await onA.close();

      for (let n = 3; n <= 5; n++) {
        await replicaA.signals.publish(toAlice({ n }));
      }
      const onB = await TestClient.open(replicaB.url, alice);
      await onB.subscribe('replicated', 2);
      expect(await onB.take(4)).toEqual([
        { channel: 'replicated', message: { n: 3 }, offset: 3 },
        { channel: 'replicated', message: { n: 4 }, offset: 4 },
        { channel: 'replicated', message: { n: 5 }, offset: 5 },
        { channel: 'replicated', event: 'subscribed', offset: 5 },
      ]);
      await onB.close();
    });

    it('serves resuming clients on a replica that started later', async () => {
      await replicaA.signals.publish(toAlice({ n: 6 }));
      const replicaC = await startSignalsBackend({ knex });
      try {
        const onC = await TestClient.open(replicaC.url, alice);
        await onC.subscribe('replicated', 5);
        expect(await onC.take(2)).toEqual([
          { channel: 'replicated', message: { n: 6 }, offset: 6 },
          { channel: 'replicated', event: 'subscribed', offset: 6 },
        ]);
        await onC.close();
      } finally {
        await replicaC.backend.stop();
      }
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
  },
);
