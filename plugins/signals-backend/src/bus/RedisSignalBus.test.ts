import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@herald/plugin-signals-node';
import { spawn } from 'child_process';
import { RedisSignalBus } from './RedisSignalBus';
import { SequencedSignal } from './types';
import {
  deleteKeys,
  hasRedisServer,
  startThrowawayRedis,
  testRedisUrl,
  uniqueKeyPrefix,
} from '../__testUtils__/redis';

jest.setTimeout(60_000);

const withRedisServer = hasRedisServer ? describe : describe.skip;

const broadcast = (channel: string, n: number): SignalPayload => ({
  recipients: { type: 'broadcast' },
  channel,
  message: { n },
});

/** A bus and everything it handed on, history and live. */
async function startReplica(url: string, keyPrefix: string) {
  const bus = new RedisSignalBus({
    connection: url,
    keyPrefix,
    retentionMs: 600_000,
    logger: mockServices.logger.mock(),
  });
  const seen: SequencedSignal[] = [];
  const waiters: Array<() => void> = [];
  await bus.start(
    signal => {
      seen.push(signal);
      waiters.splice(0).forEach(wake => wake());
    },
    history => seen.push(...history),
  );
  return {
    bus,
    seen,
    on: (channel: string) => seen.filter(s => s.channel === channel),
    /**
     * Waits until `count` signals of `channel` arrived; fails with what did
     * arrive rather than running into the test's timeout.
     */
    async waitFor(channel: string, count: number, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.filter(s => s.channel === channel).length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          const offsets = seen
            .filter(s => s.channel === channel)
            .map(s => s.offset);
          throw new Error(
            `waited ${timeoutMs} ms for ${count} signals on ${channel}, got ${
              offsets.length
            }: offsets ${offsets.join(',')}`,
          );
        }
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

/** Each of 1..count exactly once, in that order of offsets 1..count. */
function expectExactlyOnce(signals: SequencedSignal[], count: number) {
  expect(signals.map(s => s.offset)).toEqual(
    Array.from({ length: count }, (_, i) => i + 1),
  );
  expect(new Set(signals.map(s => (s.message as { n: number }).n)).size).toBe(
    count,
  );
}

describe('RedisSignalBus', () => {
  const keyPrefix = uniqueKeyPrefix();
  const replicas: Array<Awaited<ReturnType<typeof startReplica>>> = [];
  const start = async (url = testRedisUrl, prefix = keyPrefix) => {
    const replica = await startReplica(url, prefix);
    replicas.push(replica);
    return replica;
  };

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map(r => r.bus.stop()));
  });
  afterAll(() => deleteKeys(testRedisUrl, keyPrefix));

  it('numbers each channel 1, 2, 3, … across three replicas, the same on each', async () => {
    const three = [await start(), await start(), await start()];
    await Promise.all(
      Array.from({ length: 90 }, (_, n) =>
        three[n % 3].bus.publish(broadcast(n % 2 ? 'odd' : 'even', n)),
      ),
    );
    for (const replica of three) {
      await replica.waitFor('odd', 45);
      await replica.waitFor('even', 45);
      expectExactlyOnce(replica.on('odd'), 45);
      expectExactlyOnce(replica.on('even'), 45);
    }
    expect(three[1].on('odd')).toEqual(three[0].on('odd'));
    expect(three[2].on('even')).toEqual(three[0].on('even'));
  });

  it('hands what the stream holds to a replica that starts later, then carries on', async () => {
    const first = await start();
    for (let n = 1; n <= 3; n++) {
      await first.bus.publish(broadcast('late', n));
    }
    const later = await start();
    expect(later.on('late').map(s => s.offset)).toEqual([1, 2, 3]);
    await first.bus.publish(broadcast('late', 4));
    await later.waitFor('late', 4);
    expectExactlyOnce(later.on('late'), 4);
  });

  it('keeps large signals whole', async () => {
    const [a, b] = [await start(), await start()];
    const large = 'z'.repeat(200_000);
    await a.bus.publish({ ...broadcast('large', 1), message: { n: 1, large } });
    await b.waitFor('large', 1);
    expect(b.on('large')[0].message).toEqual({ n: 1, large });
  });

  it('hands a signal back with the origin it was published with, from the stream and its history', async () => {
    const [a, b] = [await start(), await start()];
    await a.bus.publish({ ...broadcast('origin', 1), origin: 'a:1' });
    await b.waitFor('origin', 1);
    const later = await start();
    for (const replica of [a, b, later]) {
      expect(replica.on('origin').map(s => s.origin)).toEqual(['a:1']);
    }
  });

  it('loses nothing and repeats nothing when a replica process is killed, and another replica serves its history', async () => {
    const survivor = await start();
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        require.resolve('../__testUtils__/redisPublisherProcess.ts'),
        testRedisUrl,
        keyPrefix,
        'killed',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const acked: number[] = [];
    // 'close', not 'exit': every line the child wrote has been read by then.
    const closed = new Promise(resolve => child.once('close', resolve));
    await new Promise<void>(resolve => {
      child.stdout!.on('data', chunk => {
        for (const [, n] of String(chunk).matchAll(/acked (\d+)/g)) {
          acked.push(Number(n));
        }
        if (acked.length >= 200) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await closed;
    // The killed replica's last publish may have been applied unacknowledged.
    const last = acked[acked.length - 1];
    await survivor.waitFor('killed', last);
    const seen = survivor.on('killed');
    expect(seen.length === last || seen.length === last + 1).toBe(true);
    expectExactlyOnce(seen, seen.length);
    expect(
      seen.slice(0, last).map(s => (s.message as { n: number }).n),
    ).toEqual(acked);

    const resumed = await start();
    expect(resumed.on('killed')).toEqual(seen);
  });

  withRedisServer(
    'on a Redis of its own that may be killed (skipped without redis-server on PATH)',
    () => {
      it('stops while Redis is down instead of waiting for it to come back', async () => {
        const redis = await startThrowawayRedis();
        try {
          const replica = await startReplica(redis.url, uniqueKeyPrefix());
          await redis.kill();
          // Long enough for the bus to notice and start reconnecting.
          await new Promise(resolve => setTimeout(resolve, 1_000));
          let giveUp: NodeJS.Timeout | undefined;
          const outcome = await Promise.race([
            replica.bus.stop().then(() => 'stopped'),
            new Promise(resolve => {
              giveUp = setTimeout(resolve, 10_000, 'still stopping');
            }),
          ]);
          clearTimeout(giveUp);
          expect(outcome).toBe('stopped');
        } finally {
          await redis.stop();
        }
      });

      it('loses nothing acknowledged and repeats nothing across a Redis crash and restart', async () => {
        const redis = await startThrowawayRedis();
        try {
          const publisher = await start(redis.url);
          const reader = await start(redis.url);
          const acked: number[] = [];
          const failed: number[] = [];
          const publishAll = (from: number, to: number) =>
            Promise.all(
              Array.from({ length: to - from + 1 }, (_, i) =>
                publisher.bus.publish(broadcast('crash', from + i)).then(
                  () => acked.push(from + i),
                  () => failed.push(from + i),
                ),
              ),
            );
          await publishAll(1, 50);
          const during = publishAll(51, 150);
          await redis.restart();
          await during;
          await publishAll(151, 200);

          await reader.waitFor('crash', acked.length);
          const late = await start(redis.url);
          for (const replica of [reader, late]) {
            const seen = replica.on('crash');
            expectExactlyOnce(seen, seen.length);
            const numbers = new Set(
              seen.map(s => (s.message as { n: number }).n),
            );
            expect(acked.filter(n => !numbers.has(n))).toEqual([]);
          }
          expect(late.on('crash')).toEqual(reader.on('crash'));
        } finally {
          await Promise.all(replicas.splice(0).map(r => r.bus.stop()));
          await redis.stop();
        }
      });
    },
  );
});
