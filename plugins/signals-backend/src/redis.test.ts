import Redis from 'ioredis';
import {
  TestClient,
  startSignalsBackend,
  userToken,
} from './__testUtils__/harness';
import {
  deleteKeys,
  testRedisUrl,
  uniqueKeyPrefix,
} from './__testUtils__/redis';
import {
  SignalsReplica,
  sharedBusTests,
  toAlice,
} from './__testUtils__/replicaSuite';

jest.setTimeout(30_000);

const alice = userToken('alice');

describe(`replicas sharing the Redis bus (Redis at HERALD_TEST_REDIS_URL, default ${testRedisUrl})`, () => {
  const keyPrefix = uniqueKeyPrefix();
  const startReplica = () =>
    startSignalsBackend({
      config: {
        signals: {
          bus: 'redis',
          redis: { connection: testRedisUrl, keyPrefix },
        },
      },
    });
  let replicaA: SignalsReplica;
  let replicaB: SignalsReplica;

  beforeAll(async () => {
    replicaA = await startReplica();
    replicaB = await startReplica();
  });
  afterAll(async () => {
    await replicaA?.backend.stop();
    await replicaB?.backend.stop();
    await deleteKeys(testRedisUrl, keyPrefix);
  });

  sharedBusTests({
    replicas: () => ({ a: replicaA, b: replicaB }),
    startReplica,
    holdAppends: async () => {
      // Appends run as a script, and a write pause holds every script back.
      const redis = new Redis(testRedisUrl);
      await redis.call('CLIENT', 'PAUSE', 10_000, 'WRITE');
      return async () => {
        await redis.call('CLIENT', 'UNPAUSE');
        redis.disconnect();
      };
    },
  });

  it('delivers the same frames on three replicas, loses and repeats nothing when one stops, and a client resumes on another', async () => {
    const replicaC = await startReplica();
    const channel = 'three';
    const onA = await TestClient.open(replicaA.url, alice);
    await onA.subscribe(channel, null);
    expect(await onA.take()).toEqual([
      { channel, event: 'subscribed', offset: 0 },
    ]);
    const onB = await TestClient.open(replicaB.url, alice);
    await onB.subscribe(channel, null);
    await onB.take();

    // All three publish at once; then C stops while its last publishes are
    // in flight, as a replica taken out of service would.
    const acked: number[] = [];
    const publishes = Array.from({ length: 60 }, (_, n) =>
      [replicaA, replicaB, replicaC][n % 3].signals
        .publish({ ...toAlice({ n }), channel })
        .then(() => acked.push(n)),
    );
    await Promise.all(publishes.slice(0, 45));
    await replicaC.backend.stop();
    await Promise.allSettled(publishes);

    const framesOnA = await onA.take(acked.length);
    expect(framesOnA.map(frame => frame.offset)).toEqual(
      Array.from({ length: acked.length }, (_, i) => i + 1),
    );
    expect(
      framesOnA.map(frame => frame.message.n).sort((x, y) => x - y),
    ).toEqual([...acked].sort((x, y) => x - y));

    // A client of the stopped replica's resumes on B from the middle.
    const half = Math.floor(acked.length / 2);
    const resumed = await TestClient.open(replicaB.url, alice);
    await resumed.subscribe(channel, half);
    const replayed = await resumed.take(acked.length - half + 1);
    expect(replayed).toEqual([
      ...framesOnA.slice(half),
      { channel, event: 'subscribed', offset: acked.length },
    ]);
    // B's live subscriber saw the very same frames.
    expect(await onB.take(acked.length)).toEqual(framesOnA);
    await Promise.all([onA.close(), onB.close(), resumed.close()]);
  });
});
