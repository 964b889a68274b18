import { mockServices } from '@backstage/backend-test-utils';
import { createDeferred } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import { Notification } from '@herald/plugin-notifications-common';
import {
  NotificationDeliveryDeferredError,
  NotificationPostProcessContext,
  NotificationProcessor,
} from '@herald/plugin-notifications-node';
import { NotificationSendOptions } from '@herald/plugin-notifications-common';
import { deliveryIdOf } from './deliveryId';
import { OutboxConfig } from './config';
import { OutboxStore } from './OutboxStore';
import { OutboxWorker } from './OutboxWorker';
import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';
import { queuedDeliveries } from '../__testUtils__/outbox';
import { FAST_OUTBOX_CONFIG } from '../__testUtils__/processing';

jest.setTimeout(60_000);

const config = FAST_OUTBOX_CONFIG;

function notification(id: string): Notification {
  return {
    id,
    user: `user:default/${id}`,
    created: new Date('2026-01-01T00:00:00Z'),
    origin: 'plugin:test',
    payload: { title: `hello ${id}`, severity: 'normal' },
  };
}

const testProcessor = (
  postProcess: NotificationProcessor['postProcess'],
): NotificationProcessor => ({ getName: () => 'Test', postProcess });

async function enqueue(store: OutboxStore, ids: string[], processor = 'Test') {
  await store.enqueue(
    {
      recipients: {
        type: 'entity',
        entityRef: ids.map(id => `user:default/${id}`),
      },
      payload: { title: 'hello' },
    },
    ids.map(id => ({
      notification: notification(id),
      processors: [processor],
    })),
  );
}

describeEachDatabase('OutboxWorker', database => {
  const workers: OutboxWorker[] = [];
  let knex: Knex;
  let store: OutboxStore;
  beforeEach(async () => {
    knex = await database.migrated();
    store = new OutboxStore(knex);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map(w => w.stop()));
  });

  function startWorker(
    processors: NotificationProcessor[],
    logger = mockServices.logger.mock(),
    overrides: Partial<OutboxConfig> = {},
    on: OutboxStore = store,
  ) {
    const worker = new OutboxWorker(
      on,
      () => processors,
      { ...config, ...overrides },
      logger,
    );
    workers.push(worker);
    worker.start();
    return worker;
  }

  /** Starts a worker with one processor and waits until it dead-letters the job it is given. */
  async function untilDead(postProcess: NotificationProcessor['postProcess']) {
    const logger = mockServices.logger.mock();
    const dead = createDeferred<string>();
    logger.error.mockImplementation(message => dead.resolve(String(message)));
    startWorker([testProcessor(postProcess)], logger);
    await enqueue(store, ['dead']);
    workers[0].wake();
    return dead;
  }

  it('retries a failing postProcess with backoff until it succeeds', async () => {
    const delivered = createDeferred<Notification>();
    let calls = 0;
    const contexts: NotificationPostProcessContext[] = [];
    await enqueue(store, ['a']);
    startWorker([
      testProcessor(async (n, _options, context) => {
        calls += 1;
        contexts.push(context!);
        if (calls < 3) {
          throw new Error('smtp unavailable');
        }
        delivered.resolve(n);
      }),
    ]);
    const result = await delivered;
    expect(calls).toBe(3);
    // A retried delivery keeps its id, so receivers can drop the repeat.
    expect(contexts).toEqual(
      [1, 2, 3].map(attempt => ({
        deliveryId: deliveryIdOf(result, 'Test'),
        attempt,
      })),
    );
    expect(result.payload.title).toBe('hello a');
    expect(result.created).toEqual(new Date('2026-01-01T00:00:00Z'));
    await workers[0].stop();
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 0 });
  });

  it('stores the options of a send once, and gives each processor the notifications and options it was queued with', async () => {
    const users = ['ann', 'ben', 'cid'];
    const options: NotificationSendOptions = {
      recipients: {
        type: 'entity',
        entityRef: users.map(user => `user:default/${user}`),
      },
      payload: { title: 'Release', description: 'Out now' },
    };
    const created = new Date('2026-02-03T04:05:06.789Z');
    const queued: Notification[] = users.map(user => ({
      id: `id-${user}`,
      user: `user:default/${user}`,
      created,
      origin: 'plugin:test',
      payload: {
        title: 'Release',
        description: user === 'cid' ? 'Out now, cid' : 'Out now',
        severity: 'normal',
        metadata: { build: 7 },
      },
    }));
    await store.enqueue(
      options,
      queued.map(queuedNotification => ({
        notification: queuedNotification,
        processors: ['Email', 'Chat'],
      })),
    );

    const [{ count: sends }] = await knex('notification_outbox_send').count({
      count: '*',
    });
    expect(Number(sends)).toBe(1);
    // One batch row per processor, not one row per delivery.
    const rows = await knex('notification_outbox').select('deliveries');
    expect(rows.map(row => Number(row.deliveries))).toEqual([3, 3]);
    const deliveries = await queuedDeliveries(knex);
    expect(deliveries).toHaveLength(6);
    // Only the notification preProcess made different carries its payload.
    expect(
      deliveries.filter(delivery => 'payload' in delivery.own),
    ).toHaveLength(2);
    await expect(store.counts()).resolves.toEqual({ pending: 6, dead: 0 });

    const calls: Array<{
      processor: string;
      notification: Notification;
      options: NotificationSendOptions;
      deliveryId: string;
    }> = [];
    const allDelivered = createDeferred<void>();
    const recording = (name: string): NotificationProcessor => ({
      getName: () => name,
      postProcess: async (received, sendOptions, context) => {
        calls.push({
          processor: name,
          notification: received,
          options: sendOptions,
          deliveryId: context!.deliveryId,
        });
        if (calls.length === 6) {
          allDelivered.resolve();
        }
      },
    });
    startWorker([recording('Email'), recording('Chat')]);
    await allDelivered;
    await workers[0].stop();

    for (const processor of ['Email', 'Chat']) {
      const received = calls
        .filter(call => call.processor === processor)
        .sort((a, b) => a.notification.id.localeCompare(b.notification.id));
      expect(received.map(call => call.notification)).toEqual(queued);
      expect(received[0].notification.created).toBeInstanceOf(Date);
      for (const call of received) {
        expect(call.options).toEqual(options);
        expect(call.deliveryId).toBe(
          deliveryIdOf(call.notification, processor),
        );
      }
    }
    expect(new Set(calls.map(call => call.deliveryId)).size).toBe(6);
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 0 });
    // The send's options go with its last job.
    await expect(knex('notification_outbox_send').select()).resolves.toEqual(
      [],
    );
  });

  it('hands back jobs claimed while stopping, so a restart takes them at once', async () => {
    await enqueue(store, ['a', 'b']);
    const postProcess = jest.fn(async () => {});
    const claim = jest.spyOn(store, 'claim');
    const stopping = startWorker([testProcessor(postProcess)]);
    // The first claim is on its way to the database when the stop comes.
    expect(claim).toHaveBeenCalledTimes(1);
    await stopping.stop();
    await claim.mock.results[0].value;
    expect(postProcess).not.toHaveBeenCalled();
    expect(
      await knex('notification_outbox')
        .select('locked_by', 'locked_until', 'attempts')
        .then(rows =>
          rows.map(r => [r.locked_by, r.locked_until, Number(r.attempts)]),
        ),
    ).toEqual([
      [null, null, 0],
      [null, null, 0],
    ]);

    const delivered = createDeferred<void>();
    postProcess.mockImplementation(async () => {
      if (postProcess.mock.calls.length === 2) delivered.resolve();
    });
    startWorker([testProcessor(postProcess)]);
    await delivered;
  });

  it('marks a job dead after the configured attempts and logs it', async () => {
    let calls = 0;
    const dead = await untilDead(async () => {
      calls += 1;
      throw new Error('always broken');
    });
    expect(dead).toMatch(/dead after 3 attempts.*always broken/);
    expect(calls).toBe(3);
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 1 });
  });

  it('retries a deferred job for longer than maxAttempts allows, without spending attempts', async () => {
    const delivered = createDeferred<void>();
    const attempts: number[] = [];
    // Four times maxAttempts: an outage that would dead-letter a plain failure.
    const outage = config.maxAttempts * 4;
    startWorker([
      testProcessor(async (_n, _o, context) => {
        attempts.push(context!.attempt);
        if (attempts.length <= outage) {
          throw new NotificationDeliveryDeferredError('receiver down');
        }
        delivered.resolve();
      }),
    ]);
    await enqueue(store, ['d']);
    workers[0].wake();
    await delivered;
    expect(attempts).toEqual(Array(outage + 1).fill(1));
    await workers[0].stop();
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 0 });
  });

  it('still counts plain failures between deferrals towards maxAttempts', async () => {
    let calls = 0;
    const dead = await untilDead(async () => {
      calls += 1;
      throw calls % 2 === 0
        ? new NotificationDeliveryDeferredError('rate limited')
        : new Error('always broken');
    });
    expect(dead).toMatch(/dead after 3 attempts.*always broken/);
    // Three plain failures and the two deferrals between them.
    expect(calls).toBe(5);
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 1 });
  });

  it('waits for the Retry-After of a deferral', async () => {
    const calls: number[] = [];
    const delivered = createDeferred<void>();
    startWorker([
      testProcessor(async () => {
        calls.push(Date.now());
        if (calls.length === 1) {
          throw new NotificationDeliveryDeferredError('429', {
            retryAfterMs: 400,
          });
        }
        delivered.resolve();
      }),
    ]);
    await enqueue(store, ['f']);
    workers[0].wake();
    await delivered;
    // The backoff alone (5 ms here) would have retried far sooner.
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(400);
  });

  it('lists dead jobs and re-queues them with a fresh attempt budget', async () => {
    let now = 1_000_000;
    store = new OutboxStore(knex, () => now);
    await enqueue(store, ['g', 'h']);
    const jobs = await store.claim(10, 5_000);
    for (const job of jobs) {
      await store.markDead(job, `gave up on ${job.notification.id}`);
    }
    now += 1_000;
    const dead = await store.listDead({ limit: 10, offset: 0 });
    expect(dead.map(job => job.notificationId).sort()).toEqual(['g', 'h']);
    const g = dead.find(job => job.notificationId === 'g')!;
    expect(g).toEqual({
      id: expect.any(String),
      processor: 'Test',
      notificationId: 'g',
      user: 'user:default/g',
      attempts: 1,
      lastError: 'gave up on g',
      queuedAt: 1_000_000,
    });
    await expect(store.listDead({ limit: 1, offset: 1 })).resolves.toEqual([
      dead[1],
    ]);

    // Unknown and pending ids are left alone.
    await expect(store.requeueDead([g.id, 'no-such-job'])).resolves.toBe(1);
    await expect(store.requeueDead([g.id])).resolves.toBe(0);
    await expect(store.counts()).resolves.toEqual({ pending: 1, dead: 1 });
    const [again] = await store.claim(10, 5_000);
    expect(again).toMatchObject({ id: g.id, attempts: 1, queuedAt: now });
    expect(again.notification.payload.title).toBe('hello g');

    await expect(store.requeueDead()).resolves.toBe(1);
    await expect(store.counts()).resolves.toEqual({ pending: 2, dead: 0 });
  });

  it('cuts off a hanging postProcess and retries it', async () => {
    const delivered = createDeferred<void>();
    let calls = 0;
    startWorker(
      [
        testProcessor(async () => {
          calls += 1;
          if (calls === 1) {
            await new Promise(() => {});
          }
          delivered.resolve();
        }),
      ],
      undefined,
      { timeoutMs: 50 },
    );
    await enqueue(store, ['c']);
    workers[0].wake();
    await delivered;
    expect(calls).toBe(2);
  });

  it('never lets two workers on separate connections deliver the same job', async () => {
    // A second connection pool to the same database acts as a second
    // instance; in-memory SQLite cannot be shared, so there both workers
    // share one pool, as two workers in one process would.
    const isSqlite = database.id === 'SQLITE_3';
    const otherKnex = isSqlite ? knex : knexFactory(knex.client.config);
    try {
      const ids = Array.from({ length: 60 }, (_, i) => `job${i}`);
      const deliveries: string[] = [];
      const allDelivered = createDeferred<void>();
      const processor = testProcessor(async n => {
        deliveries.push(n.id);
        await new Promise(resolve => setImmediate(resolve));
        if (deliveries.length >= ids.length) {
          allDelivered.resolve();
        }
      });
      const stores = [
        new OutboxStore(knex),
        new OutboxStore(otherKnex),
        new OutboxStore(knex),
      ];
      await enqueue(stores[0], ids);
      for (const other of stores) {
        startWorker([processor], undefined, {}, other);
      }
      await allDelivered;
      await Promise.all(workers.splice(0).map(w => w.stop()));
      expect(deliveries.sort()).toEqual([...ids].sort());
      await expect(stores[0].counts()).resolves.toEqual({
        pending: 0,
        dead: 0,
      });
    } finally {
      if (!isSqlite) {
        await otherKnex.destroy();
      }
    }
  });

  it('hands a job whose lease expired to the next claimer, and ignores the late first owner', async () => {
    let now = 1_000_000;
    store = new OutboxStore(knex, () => now);
    await enqueue(store, ['leased']);

    const [first] = await store.claim(10, 5_000);
    expect(first.attempts).toBe(1);
    await expect(store.claim(10, 5_000)).resolves.toEqual([]);

    now += 5_000;
    const [second] = await store.claim(10, 5_000);
    expect(second.id).toBe(first.id);
    expect(second.attempts).toBe(2);

    await store.complete(first);
    await expect(store.counts()).resolves.toEqual({ pending: 1, dead: 0 });
    await store.complete(second);
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 0 });
  });

  it('queues a large send as batch rows and delivers each of its deliveries once', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `many${i}`);
    await enqueue(store, ids);
    const rows = await knex('notification_outbox')
      .select('deliveries')
      .orderBy('id');
    expect(rows.map(row => Number(row.deliveries))).toEqual([1000, 1000, 500]);
    await expect(store.counts()).resolves.toEqual({ pending: 2500, dead: 0 });

    const delivered: string[] = [];
    const allDelivered = createDeferred<void>();
    startWorker(
      [
        testProcessor(async n => {
          expect(n.user).toBe(`user:default/${n.id}`);
          delivered.push(n.id);
          if (delivered.length === ids.length) {
            allDelivered.resolve();
          }
        }),
      ],
      undefined,
      { concurrency: 50 },
    );
    await allDelivered;
    await Promise.all(workers.splice(0).map(w => w.stop()));
    expect(delivered.sort()).toEqual([...ids].sort());
    await expect(store.counts()).resolves.toEqual({ pending: 0, dead: 0 });
    await expect(knex('notification_outbox_send').select()).resolves.toEqual(
      [],
    );
  });

  it('adds nothing for a batch whose lease ran out before its first claimer expanded it', async () => {
    let now = 1_000_000;
    const late = new OutboxStore(knex, () => now);
    const next = new OutboxStore(knex, () => now);
    await enqueue(late, ['b1', 'b2', 'b3']);
    const expandBatch = (late as any).expandBatch.bind(late);
    const claimedBatch = createDeferred<void>();
    const resume = createDeferred<void>();
    jest
      .spyOn(late as any, 'expandBatch')
      .mockImplementationOnce(async batch => {
        claimedBatch.resolve();
        await resume;
        return expandBatch(batch);
      });

    const lateClaim = late.claim(10, 5_000);
    await claimedBatch;
    now += 5_000;
    const taken = await next.claim(10, 5_000);
    resume.resolve();

    await expect(lateClaim).resolves.toEqual([]);
    expect(taken.map(job => job.notification.id).sort()).toEqual([
      'b1',
      'b2',
      'b3',
    ]);
    const deliveries = await queuedDeliveries(knex);
    expect(deliveries.map(delivery => delivery.own.id).sort()).toEqual([
      'b1',
      'b2',
      'b3',
    ]);
    await expect(late.counts()).resolves.toEqual({ pending: 3, dead: 0 });
  });
});
