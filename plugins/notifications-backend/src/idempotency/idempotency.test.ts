import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import { createDeferred } from '@backstage/types';
import { NotificationProcessor } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  ServedNotificationJson,
  notificationToJson,
} from '../notificationJson';
import { notificationsPlugin } from '../plugin';
import { spec } from '../schema/openapi';
import { ALICE, BOB, CAROL, asService } from '../__testUtils__/fixtures';
import {
  connectAsAnotherReplica,
  describeEachDatabase,
  describeOnPostgres,
  startNotificationsBackend,
  useNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import { processorsModule } from '../__testUtils__/processing';
import { IdempotencyKeyStore } from './IdempotencyKeyStore';
import {
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotentRequests,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './IdempotentRequests';

jest.setTimeout(120_000);

const SEND_PATH = '/api/notifications/notifications';

/** A processor whose preProcess waits until the test lets it go on. */
function gatedProcessorModule() {
  let gate = createDeferred<void>();
  let entered = createDeferred<void>();
  const processor: NotificationProcessor = {
    getName: () => 'gate',
    async preProcess(notification) {
      entered.resolve();
      await gate;
      return notification;
    },
  };
  const feature = processorsModule('gated-processor', processor);
  return {
    feature,
    entered: () => entered,
    open: () => gate.resolve(),
    close: () => {
      gate = createDeferred<void>();
      entered = createDeferred<void>();
    },
  };
}

async function countNotifications(knex: Knex, title: string) {
  const users: string[] = await knex('notification')
    .where({ title })
    .pluck('user');
  const counts: Record<string, number> = {};
  for (const user of users) {
    counts[user] = (counts[user] ?? 0) + 1;
  }
  return counts;
}

describeEachDatabase('idempotent sends', database => {
  const gate = gatedProcessorModule();
  const backend = useNotificationsBackend(database.init, {
    features: [gate.feature],
  });

  beforeEach(async () => {
    await backend.knex('notification_idempotency_key').delete();
    gate.open();
  });

  function send(body: object, key?: string, caller?: string) {
    return sendWith(body, { key, caller });
  }

  function sendWith(
    body: object,
    headers: { key?: string; caller?: string; prefer?: string },
  ) {
    const req = request(backend.server)
      .post(SEND_PATH)
      .set('Authorization', asService(headers.caller));
    if (headers.key !== undefined) {
      req.set('Idempotency-Key', headers.key);
    }
    if (headers.prefer !== undefined) {
      req.set('Prefer', headers.prefer);
    }
    return req.send(body);
  }

  const body = (
    title: string,
    users = [ALICE, BOB],
    payload: Record<string, unknown> = {},
  ) => ({
    recipients: { type: 'entity', entityRef: users },
    payload: { title, ...payload },
  });

  it('answers a repeat with the first response and sends nothing again', async () => {
    const key = randomUUID();
    const first = await send(body('Once'), key);
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const second = await send(body('Once'), key);
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.body).toEqual(first.body);
    expect(await countNotifications(backend.knex, 'Once')).toEqual({
      [ALICE]: 1,
      [BOB]: 1,
    });
  });

  it('enters no AsyncLocalStorage for a keyed send', async () => {
    // On Node.js 20 and 22 the first store entered turns on async hooks for
    // the rest of the process's life, and every promise of the backend pays
    // for them. The test runner uses one of its own, so the test watches the
    // entering instead of the hooks.
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      for (const recipients of [
        { type: 'entity', entityRef: [ALICE] },
        { type: 'broadcast' },
      ]) {
        const sent = await send(
          { recipients, payload: { title: 'Hooks' } },
          randomUUID(),
        );
        expect(sent.status).toBe(200);
      }
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });

  it('treats bodies differing only in key order as the same request', async () => {
    const key = randomUUID();
    const first = await send(
      {
        recipients: { type: 'entity', entityRef: ALICE },
        payload: { title: 'Order', severity: 'high' },
      },
      key,
    );
    const second = await send(
      {
        payload: { severity: 'high', title: 'Order' },
        recipients: { entityRef: ALICE, type: 'entity' },
      },
      key,
    );
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await countNotifications(backend.knex, 'Order')).toEqual({
      [ALICE]: 1,
    });
  });

  it('rejects the same key with another body with 422 and sends nothing', async () => {
    const key = randomUUID();
    expect((await send(body('First'), key)).status).toBe(200);
    const changed = await send(body('Second'), key);
    expect(changed.status).toBe(422);
    expect(changed.body.error.name).toBe('IdempotencyKeyReusedError');
    expect(changed.body.error.message).toMatch(/Idempotency-Key/);
    expect(await countNotifications(backend.knex, 'Second')).toEqual({});
  });

  it('answers 409 while the first request with the key is in flight', async () => {
    const key = randomUUID();
    gate.close();
    const first = send(body('Slow'), key).then(r => r);
    await gate.entered();

    const concurrent = await send(body('Slow'), key);
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error.name).toBe('ConflictError');
    const changedWhileInFlight = await send(body('Other'), key);
    expect(changedWhileInFlight.status).toBe(422);

    gate.open();
    expect((await first).status).toBe(200);
    const retried = await send(body('Slow'), key);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual((await first).body);
    expect(await countNotifications(backend.knex, 'Slow')).toEqual({
      [ALICE]: 1,
      [BOB]: 1,
    });
  });

  it('keeps each caller’s keys apart', async () => {
    const key = randomUUID();
    expect((await send(body('Mine', [ALICE]), key, 'catalog')).status).toBe(
      200,
    );
    const other = await send(body('Theirs', [ALICE]), key, 'scaffolder');
    expect(other.status).toBe(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await countNotifications(backend.knex, 'Mine')).toEqual({
      [ALICE]: 1,
    });
    expect(await countNotifications(backend.knex, 'Theirs')).toEqual({
      [ALICE]: 1,
    });
  });

  it('frees the key of a request that failed, so a corrected retry sends', async () => {
    const key = randomUUID();
    const rejected = await send(
      body('Bad', [ALICE], { severity: 'loud' }),
      key,
    );
    expect(rejected.status).toBe(400);
    const corrected = await send(body('Good', [ALICE]), key);
    expect(corrected.status).toBe(200);
    expect(await countNotifications(backend.knex, 'Good')).toEqual({
      [ALICE]: 1,
    });
  });

  it('rejects empty and over-long keys with 400 and accepts the longest', async () => {
    const longest = 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH);
    expect((await send(body('Long', [ALICE]), longest)).status).toBe(200);
    const overLong = await send(body('Long', [ALICE]), `${longest}k`);
    expect(overLong.status).toBe(400);
    expect(overLong.body.error.name).toBe('InputError');
    expect((await send(body('Empty', [ALICE]), '')).status).toBe(400);
    expect(await countNotifications(backend.knex, 'Long')).toEqual({
      [ALICE]: 1,
    });
    expect(await countNotifications(backend.knex, 'Empty')).toEqual({});
  });

  it('replays a large answer exactly, stored compressed', async () => {
    const key = randomUUID();
    const users = Array.from({ length: 1000 }, (_, i) => `user:default/u${i}`);
    const first = await send(body('Many', users), key);
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(1000);
    const second = await send(body('Many', users), key);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.text).toBe(first.text);

    const [stored] = await backend
      .knex('notification_idempotency_key')
      .select('response_body');
    expect(stored.response_body.length).toBeLessThan(first.text.length / 5);
  });

  it('answers 204 without the notifications to a caller preferring a minimal return', async () => {
    const key = randomUUID();
    const users = Array.from({ length: 1000 }, (_, i) => `user:default/m${i}`);
    const first = await sendWith(body('Minimal', users), {
      key,
      prefer: 'return=minimal',
    });
    expect(first.status).toBe(204);
    expect(first.headers['preference-applied']).toBe('return=minimal');
    expect(first.text).toBe('');

    const second = await send(body('Minimal', users), key);
    expect(second.status).toBe(204);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['preference-applied']).toBe('return=minimal');
    expect(
      Object.keys(await countNotifications(backend.knex, 'Minimal')),
    ).toHaveLength(1000);

    const [stored] = await backend
      .knex('notification_idempotency_key')
      .select('response_status', 'response_body');
    expect(Number(stored.response_status)).toBe(204);
    expect(stored.response_body.length).toBeLessThan(100);

    const unkeyed = await sendWith(body('Minimal, no key', [ALICE]), {
      prefer: 'respond-async, return=minimal',
    });
    expect(unkeyed.status).toBe(204);
    expect(unkeyed.headers['preference-applied']).toBe('return=minimal');
    expect(await countNotifications(backend.knex, 'Minimal, no key')).toEqual({
      [ALICE]: 1,
    });
    const full = await sendWith(body('Full', [ALICE]), {
      prefer: 'return=representation',
    });
    expect(full.status).toBe(200);
    expect(full.headers['preference-applied']).toBeUndefined();
    expect(full.body).toHaveLength(1);
  });

  it('sends as before without a key', async () => {
    expect((await send(body('Plain', [ALICE]))).status).toBe(200);
    expect((await send(body('Plain', [ALICE]))).status).toBe(200);
    expect(await countNotifications(backend.knex, 'Plain')).toEqual({
      [ALICE]: 2,
    });
  });

  describe('lifetime of a key', () => {
    let clock = 0;
    const store = () => new IdempotencyKeyStore(backend.knex);
    const requests = () =>
      new IdempotentRequests(store(), { now: () => clock });
    const request1 = { principal: 'plugin:test', key: 'k', body: { a: 1 } };

    beforeEach(() => {
      clock = 1_000_000;
    });

    /** A send's result: one notification titled `title`. */
    const sent = (title: string): ServedNotificationJson[] => [
      notificationToJson({
        id: randomUUID(),
        user: ALICE,
        origin: 'plugin:test',
        created: new Date('2026-01-01T00:00:00.000Z'),
        payload: { title },
      }),
    ];
    const titleOf = (response: { body: string }) =>
      JSON.parse(response.body)[0].payload.title;

    it('runs again once the first answer expired, and cleanup deletes it', async () => {
      let runs = 0;
      const sendNext = async () => sent(`${++runs}`);
      expect(titleOf(await requests().run(request1, sendNext))).toBe('1');
      clock += IDEMPOTENCY_KEY_TTL_MS - 1;
      const replay = await requests().run(request1, sendNext);
      expect(replay).toMatchObject({ status: 200, replayed: true });
      expect(titleOf(replay)).toBe('1');
      expect(await store().deleteExpired(clock)).toBe(0);

      clock += 1;
      expect(await store().deleteExpired(clock)).toBe(1);
      expect(titleOf(await requests().run(request1, sendNext))).toBe('2');
      clock += IDEMPOTENCY_KEY_TTL_MS;
      // An expired answer not yet cleaned up does not block the key either.
      expect(titleOf(await requests().run(request1, sendNext))).toBe('3');
    });

    it('lets a retry take over a key whose request died holding it', async () => {
      const dead = createDeferred<ServedNotificationJson[]>();
      const holding = createDeferred<void>();
      const abandoned = requests().run(request1, () => {
        holding.resolve();
        return dead;
      });
      await holding;
      await expect(
        requests().run(request1, async () => sent('x')),
      ).rejects.toMatchObject({ name: 'ConflictError' });

      clock += 5 * 60 * 1000;
      const retry = await requests().run(request1, async () => sent('retry'));
      expect(retry.replayed).toBe(false);
      expect(titleOf(retry)).toBe('retry');
      // The abandoned attempt no longer owns the key: its late answer is not
      // stored over the retry's.
      dead.resolve(sent('late'));
      expect(titleOf(await abandoned)).toBe('late');
      expect(titleOf(await requests().run(request1, async () => []))).toBe(
        'retry',
      );
    });
  });
});

describeOnPostgres(
  'idempotent sends on two replicas sharing PostgreSQL',
  init => {
    it('leaves exactly one notification per recipient for 20 concurrent retries', async () => {
      const knexA = await init();
      const knexB = connectAsAnotherReplica(knexA);
      const replicas = [
        await startNotificationsBackend({ knex: knexA }),
        await startNotificationsBackend({ knex: knexB }),
      ];
      try {
        const key = randomUUID();
        const sendBody = body20();
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            request(replicas[i % 2].server)
              .post(SEND_PATH)
              .set('Authorization', asService())
              .set('Idempotency-Key', key)
              .send(sendBody),
          ),
        );
        const statuses = responses.map(r => r.status);
        expect(statuses.every(s => s === 200 || s === 409)).toBe(true);
        expect(statuses.filter(s => s === 200).length).toBeGreaterThanOrEqual(
          1,
        );

        // The callers that got 409 retry, as a client would, until answered.
        for (let i = 0; i < 20; i++) {
          const retried = await request(replicas[i % 2].server)
            .post(SEND_PATH)
            .set('Authorization', asService())
            .set('Idempotency-Key', key)
            .send(sendBody);
          expect(retried.status).toBe(200);
          const firstOk = responses.find(r => r.status === 200)!;
          expect(retried.body).toEqual(firstOk.body);
        }
        expect(await countNotifications(knexA, 'Twenty')).toEqual({
          [ALICE]: 1,
          [BOB]: 1,
          [CAROL]: 1,
        });
      } finally {
        for (const replica of replicas) {
          await replica.backend.stop();
        }
        await knexB.destroy();
      }
    });
  },
);

function body20() {
  return {
    recipients: { type: 'entity', entityRef: [ALICE, BOB, CAROL] },
    payload: { title: 'Twenty' },
  };
}

describe('the OpenAPI document', () => {
  it('documents the key, the replay header, Prefer and the 204, 409 and 422 answers on both send paths', () => {
    const document = spec as any;
    const resolve = (item: any) =>
      item.$ref
        ? item.$ref
            .split('/')
            .slice(1)
            .reduce((node: any, key: string) => node[key], document)
        : item;
    for (const path of ['/notifications', '/']) {
      const operation = document.paths[path].post;
      expect(operation.parameters.map(resolve)).toContainEqual(
        expect.objectContaining({
          name: 'Idempotency-Key',
          in: 'header',
          schema: expect.objectContaining({
            maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
          }),
        }),
      );
      expect(operation.parameters.map(resolve)).toContainEqual(
        expect.objectContaining({ name: 'Prefer', in: 'header' }),
      );
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['200', '204', '400', '409', '422']),
      );
      expect(operation.responses['204'].headers).toHaveProperty(
        'Preference-Applied',
      );
      expect(operation.responses['200'].headers).toHaveProperty(
        'Idempotent-Replayed',
      );
    }
  });
});

describeEachDatabase(
  'a send whose replica stalls between commit and answer',
  database => {
    it('answers a retry from the answer committed with the notifications', async () => {
      const knex = await database.init();
      let committed = createDeferred<void>();
      let resume = createDeferred<void>();
      // Publishing the signal is the first step after the commit; holding it
      // holds the answer, as a replica dying right there would.
      const stalledSignals = createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          async publish() {
            committed.resolve();
            await resume;
          },
        }),
      });
      const backend = await startTestBackend({
        features: [
          notificationsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { app: { baseUrl: 'http://localhost:3000' } },
          }),
          stalledSignals,
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      const post = (key: string, sendBody: object) =>
        request(backend.server)
          .post(SEND_PATH)
          .set('Authorization', asService())
          .set('Idempotency-Key', key)
          .send(sendBody);
      try {
        for (const [title, recipients] of [
          ['Stalled', { type: 'entity', entityRef: [ALICE, BOB] }],
          ['Stalled broadcast', { type: 'broadcast' }],
        ] as const) {
          committed = createDeferred<void>();
          resume = createDeferred<void>();
          const key = randomUUID();
          const sendBody = { recipients, payload: { title } };
          const first = post(key, sendBody).then(response => response);
          await committed;

          const retry = await post(key, sendBody);
          expect(retry.status).toBe(200);
          expect(retry.headers['idempotent-replayed']).toBe('true');
          resume.resolve();
          expect((await first).body).toEqual(retry.body);
        }
        expect(await countNotifications(knex, 'Stalled')).toEqual({
          [ALICE]: 1,
          [BOB]: 1,
        });
        expect(
          Number(
            (
              await knex('broadcast')
                .where({ title: 'Stalled broadcast' })
                .count({ n: '*' })
            )[0].n,
          ),
        ).toBe(1);
      } finally {
        resume.resolve();
        await backend.stop();
      }
    });
  },
);
