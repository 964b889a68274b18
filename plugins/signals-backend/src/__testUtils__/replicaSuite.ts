// The same suite runs against every bus shared by replicas, so it is
// exported from here rather than copied into each bus's test file.
/* eslint-disable jest/no-export */
import { TestClient, startSignalsBackend, userToken } from './harness';

export type SignalsReplica = Awaited<ReturnType<typeof startSignalsBackend>>;

const alice = userToken('alice');

export const toAlice = (message: Record<string, unknown>) => ({
  recipients: { type: 'user' as const, entityRef: 'user:default/alice' },
  channel: 'replicated',
  message: message as any,
});

/**
 * What every bus shared by replicas must pass: offsets and order across two
 * replicas, and resuming on another replica or on one that started later.
 * Call inside a describe whose two replicas are already running; the tests
 * run in order and leave the channel `replicated` at offset 6.
 */
export function sharedBusTests(options: {
  replicas: () => { a: SignalsReplica; b: SignalsReplica };
  /** Starts one more replica on the same bus; the test stops it. */
  startReplica: () => Promise<SignalsReplica>;
  /**
   * Makes appends to the bus's log wait, as a busy database would, until
   * the returned function is called.
   */
  holdAppends: () => Promise<() => Promise<void>>;
}) {
  const { replicas, startReplica, holdAppends } = options;

  it('delivers across replicas and resumes on the other replica', async () => {
    const onA = await TestClient.open(replicas().a.url, alice);
    await onA.subscribe('replicated', null);
    expect(await onA.take()).toEqual([
      { channel: 'replicated', event: 'subscribed', offset: 0 },
    ]);

    await replicas().b.signals.publish(toAlice({ n: 1 }));
    const large = 'x'.repeat(20_000);
    await replicas().b.signals.publish(toAlice({ n: 2, large }));
    expect(await onA.take(2)).toEqual([
      { channel: 'replicated', message: { n: 1 }, offset: 1 },
      { channel: 'replicated', message: { n: 2, large }, offset: 2 },
    ]);
    await onA.close();

    // A publish returns once the bus has its signal; the other replica
    // has it a moment later.
    const watcher = await TestClient.open(replicas().b.url, alice);
    await watcher.subscribe('replicated', 2);
    await watcher.take();
    for (let n = 3; n <= 5; n++) {
      await replicas().a.signals.publish(toAlice({ n }));
    }
    await watcher.take(3);
    await watcher.close();
    const onB = await TestClient.open(replicas().b.url, alice);
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
    await replicas().a.signals.publish(toAlice({ n: 6 }));
    const replicaC = await startReplica();
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

  it('keeps offset order when large and small signals from both replicas interleave', async () => {
    const onA = await TestClient.open(replicas().a.url, alice);
    await onA.subscribe('interleaved', null);
    expect(await onA.take()).toEqual([
      { channel: 'interleaved', event: 'subscribed', offset: 0 },
    ]);
    const large = 'y'.repeat(10_000);
    await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        (n % 2 ? replicas().a : replicas().b).signals.publish({
          ...toAlice(n % 3 ? { n } : { n, large }),
          channel: 'interleaved',
        }),
      ),
    );
    const frames = await onA.take(40);
    expect(frames.map(frame => frame.offset)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(new Set(frames.map(frame => frame.message.n)).size).toBe(40);
    await onA.close();
  });

  it('numbers each channel on its own when one batch carries several', async () => {
    const onA = await TestClient.open(replicas().a.url, alice);
    for (const channel of ['batch-a', 'batch-b']) {
      await onA.subscribe(channel, null);
      await onA.take();
    }
    await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        replicas().a.signals.publish({
          ...toAlice({ n }),
          channel: n % 3 ? 'batch-a' : 'batch-b',
        }),
      ),
    );
    const frames = await onA.take(30);
    for (const [channel, count] of [
      ['batch-a', 20],
      ['batch-b', 10],
    ] as const) {
      const own = frames.filter(frame => frame.channel === channel);
      expect(own.map(frame => frame.offset)).toEqual(
        Array.from({ length: count }, (_, i) => i + 1),
      );
      expect(own.map(frame => frame.message.n)).toEqual(
        Array.from({ length: 30 }, (_, n) => n).filter(
          n => (n % 3 ? 'batch-a' : 'batch-b') === channel,
        ),
      );
    }
    await onA.close();
  });

  it('writes clients that asked for no offsets before the log has a signal, and each once', async () => {
    const channel = 'ahead';
    const plainOnA = await TestClient.open(replicas().a.url, alice);
    await plainOnA.subscribe(channel);
    const plainOnB = await TestClient.open(replicas().b.url, alice);
    await plainOnB.subscribe(channel);
    const withOffsetsOnA = await TestClient.open(replicas().a.url, alice);
    await withOffsetsOnA.subscribe(channel, null);
    expect(await withOffsetsOnA.take()).toEqual([
      { channel, event: 'subscribed', offset: 0 },
    ]);
    // The second comes back through a read of the log on both replicas.
    const messages = [{ n: 1 }, { n: 2, large: 'z'.repeat(10_000) }, { n: 3 }];

    const release = await holdAppends();
    let published: Promise<unknown>;
    try {
      published = Promise.all(
        messages.map(message =>
          replicas().a.signals.publish({ ...toAlice(message), channel }),
        ),
      );
      expect(await plainOnA.take(3)).toEqual(
        messages.map(message => ({ channel, message })),
      );
      await withOffsetsOnA.roundTrip();
      expect(withOffsetsOnA.frames).toEqual([]);
    } finally {
      await release();
    }
    await published;
    expect(await withOffsetsOnA.take(3)).toEqual(
      messages.map((message, i) => ({ channel, message, offset: i + 1 })),
    );
    expect(await plainOnB.take(3)).toEqual(
      messages.map(message => ({ channel, message })),
    );

    // Had the bus's delivery been written to them again, this would come
    // after those copies.
    await replicas().a.signals.publish({ ...toAlice({ n: 4 }), channel });
    await withOffsetsOnA.take();
    expect(await plainOnA.take()).toEqual([{ channel, message: { n: 4 } }]);
    await Promise.all(
      [plainOnA, plainOnB, withOffsetsOnA].map(client => client.close()),
    );
  });
}
