import { Entity } from '@backstage/catalog-model';
import { notificationsProcessingExtensionPoint as upstreamProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import { createDeferred } from '@backstage/types';
import {
  HERALD_EXTENSIONS_HEADER,
  Notification,
} from '@herald/plugin-notifications-common';
import { mergeRecipientMessage } from '@herald/plugin-signals-node';
import { NotificationProcessor } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  clearNotificationTables,
  describeEachDatabase,
  describeOnPostgres,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import {
  ALICE,
  BOB,
  CAROL,
  asService,
  asUser,
} from '../__testUtils__/fixtures';
import {
  componentEntity,
  groupEntity,
  notificationsModuleUsing,
} from '@herald/plugin-notifications-node/testUtils';
import {
  hangingProcessor,
  processorsModule,
  reroutingProcessor,
  throwingProcessor,
} from '../__testUtils__/processing';
import { queuedDeliveries } from '../__testUtils__/outbox';

jest.setTimeout(60_000);

const entities: Entity[] = [
  groupEntity('org', ['alice'], { children: ['team'] }),
  groupEntity('team', ['bob', 'carol'], { children: ['org'] }),
  componentEntity('web', ['group:default/team']),
];

/** More users than two batches of a send hold (2,000 each), in order. */
const usersOfThreeBatches = () =>
  Array.from(
    { length: 4500 },
    (_, i) => `user:default/u${String(i).padStart(4, '0')}`,
  );

/** A service's send of one notification to each of `users`. */
const sendToEveryone = (server: any, users: string[]) =>
  request(server)
    .post('/api/notifications')
    .set('Authorization', asService())
    .send({
      recipients: { type: 'entity', entityRef: users },
      payload: { title: 'Everyone' },
    });

/** Whom the notifications went to, sorted, as sends do not keep one order. */
const usersOf = (notifications: Array<{ user: string | null }>) =>
  notifications.map(n => n.user).sort();

/**
 * A processor that appends `tag` to each title in preProcess and notes
 * `name:user` in `order`, so a test sees which ran first for whom.
 */
function titleTagger(name: string, tag: string, order: string[]) {
  return {
    getName: () => name,
    preProcess: async (n: any) => {
      order.push(`${name}:${n.user}`);
      return {
        ...n,
        payload: { ...n.payload, title: `${n.payload.title} ${tag}` },
      };
    },
  };
}

/** Records postProcess calls and resolves once `expected` have arrived. */
function postProcessRecorder(expected: number) {
  const calls: Notification[] = [];
  const done = createDeferred<void>();
  return {
    calls,
    done,
    record(notification: Notification) {
      calls.push(notification);
      if (calls.length >= expected) {
        done.resolve();
      }
    },
  };
}

/** The admin outbox counts, read until no more than `pending` are pending. */
async function outboxCounts(
  server: Parameters<typeof request>[0],
  pending: number,
) {
  for (;;) {
    const response = await request(server)
      .get('/api/notifications/admin/outbox')
      .set('Authorization', asService());
    expect(response.status).toBe(200);
    if (response.body.pending <= pending) {
      return response.body;
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

const upstreamModule = (processors: NotificationProcessor[]) =>
  notificationsModuleUsing(
    'upstream-test-processors',
    upstreamProcessingExtensionPoint,
    processing => processing.addProcessor(processors as any),
  );

const heraldModule = (processors: NotificationProcessor[]) =>
  processorsModule('herald-test-processors', ...processors);

const fastOutbox = {
  notifications: {
    processorTimeout: { milliseconds: 100 },
    outbox: {
      initialBackoff: { milliseconds: 20 },
      pollInterval: { milliseconds: 50 },
      timeout: { milliseconds: 500 },
      leaseDuration: { seconds: 5 },
    },
  },
};

/** A rule that makes the database refuse a notification row for `user`. */
function refusedUserOn(knex: Knex, user: string) {
  const client = String(knex.client.config.client);
  const quoted = knex.raw('?', [user]).toQuery();
  if (client.includes('sqlite')) {
    return {
      add: () =>
        knex.raw(
          `CREATE TRIGGER test_refused BEFORE INSERT ON notification WHEN NEW."user" = ${quoted} BEGIN SELECT RAISE(ABORT, 'refused'); END`,
        ),
      remove: () => knex.raw('DROP TRIGGER test_refused'),
    };
  }
  const column = client.includes('mysql') ? '`user`' : '"user"';
  return {
    add: () =>
      knex.raw(
        `ALTER TABLE notification ADD CONSTRAINT test_refused CHECK (${column} <> ${quoted})`,
      ),
    remove: () =>
      knex.raw('ALTER TABLE notification DROP CONSTRAINT test_refused'),
  };
}

describeEachDatabase('send pipeline', database => {
  let knex: Knex;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    knex = await database.init();
  });

  afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
    await knex('notification_outbox')
      .delete()
      .catch(() => {});
    await knex('notification_outbox_send')
      .delete()
      .catch(() => {});
    await knex('user_settings')
      .delete()
      .catch(() => {});
    await clearNotificationTables(knex).catch(() => {});
  });

  async function start(features: any[], config: object = fastOutbox) {
    const started = await startNotificationsBackend({
      knex,
      features,
      config,
      entities,
    });
    stops.push(() => started.backend.stop());
    return started;
  }

  async function send(server: any, body: object) {
    const response = await request(server)
      .post('/api/notifications')
      .set('Authorization', asService())
      .send(body);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('resolves a cyclic group tree through the catalog and runs an upstream-built processor once per recipient', async () => {
    const order: string[] = [];
    const post = postProcessRecorder(5);
    const { server, signals } = await start([
      upstreamModule([
        titleTagger('First', '[1]', order),
        {
          ...titleTagger('Second', '[2]', order),
          postProcess: async (n: any) => post.record(n),
        },
      ]),
    ]);
    const sent = await send(server, {
      recipients: {
        type: 'entity',
        entityRef: ['group:default/org', 'user:default/alice'],
        excludeEntityRef: 'user:default/carol',
      },
      payload: { title: 'Deploy' },
    });
    expect(usersOf(sent)).toEqual([ALICE, BOB]);
    expect(sent.every((n: any) => n.payload.title === 'Deploy [1] [2]')).toBe(
      true,
    );
    for (const user of ['user:default/alice', 'user:default/bob']) {
      expect(order.indexOf(`First:${user}`)).toBeLessThan(
        order.indexOf(`Second:${user}`),
      );
    }
    expect(signals).toHaveLength(1);

    const ownerSend = await send(server, {
      recipients: { type: 'entity', entityRef: 'component:default/web' },
      payload: { title: 'Owned' },
    });
    // The owning team's members, and through its cyclic child the org's.
    expect(usersOf(ownerSend)).toEqual([ALICE, BOB, CAROL]);

    await post.done;
    const storedIds = [...sent, ...ownerSend].map((n: any) => n.id).sort();
    expect(post.calls.map(n => n.id).sort()).toEqual(storedIds);
  });

  it('signals each recipient its own notification when preProcess personalises them', async () => {
    const { server, signals } = await start([
      upstreamModule([
        {
          getName: () => 'Personal',
          preProcess: async (n: any) => ({
            ...n,
            payload: {
              ...n.payload,
              description: `Hello ${n.user}`,
              ...(n.user === 'user:default/bob'
                ? { metadata: { team: 'b' } }
                : {}),
            },
          }),
        },
      ]),
    ]);
    const sent = await send(server, {
      recipients: {
        type: 'entity',
        entityRef: ['user:default/alice', 'user:default/bob'],
      },
      payload: { title: 'Shared title' },
    });
    expect(signals).toHaveLength(1);
    const [signal] = signals;
    for (const notification of sent) {
      expect(
        mergeRecipientMessage(
          signal.message,
          signal.perRecipient![notification.user as string],
        ),
      ).toEqual({
        action: 'new_notification',
        notification_id: notification.id,
        notification,
      });
    }
  });

  it('gates by settings: Web off stores and signals nothing but other channels still deliver', async () => {
    // Alice: Email only (Chat off). Bob: Email and Chat.
    const post = postProcessRecorder(3);
    const { server, signals } = await start([
      heraldModule([
        { getName: () => 'Email', postProcess: async n => post.record(n) },
        {
          getName: () => 'Chat',
          postProcess: async n => post.record({ ...n, id: `chat:${n.user}` }),
        },
      ]),
    ]);
    const saved = await request(server)
      .post('/api/notifications/settings')
      .set('Authorization', asUser('user:default/alice'))
      .send({
        channels: [
          {
            id: 'Web',
            origins: [{ id: 'plugin:scaffolder', enabled: false }],
          },
          {
            id: 'Chat',
            origins: [{ id: 'plugin:scaffolder', enabled: false }],
          },
        ],
      });
    expect(saved.status).toBe(200);
    expect(saved.body.channels.map((c: any) => c.id)).toEqual([
      'Web',
      'Email',
      'Chat',
    ]);
    const invalid = await request(server)
      .post('/api/notifications/settings')
      .set('Authorization', asUser('user:default/alice'))
      .send({ channels: [{ id: 'Nope', origins: [] }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({
      name: 'InputError',
      message: 'Invalid channel',
    });

    const sent = await send(server, {
      recipients: {
        type: 'entity',
        entityRef: ['user:default/alice', 'user:default/bob'],
      },
      payload: { title: 'Hi' },
    });
    expect(sent.map((n: any) => n.user)).toEqual(['user:default/bob']);
    expect(signals).toHaveLength(1);
    expect(signals[0].recipients).toEqual({
      type: 'user',
      entityRef: ['user:default/bob'],
    });
    const rows = await knex('notification').select('user');
    expect(rows.map(r => r.user)).toEqual(['user:default/bob']);

    await post.done;
    expect(
      post.calls
        .map(n => `${n.id.startsWith('chat:') ? 'Chat' : 'Email'}:${n.user}`)
        .sort(),
    ).toEqual([
      'Chat:user:default/bob',
      'Email:user:default/alice',
      'Email:user:default/bob',
    ]);
  });

  it('survives throwing and hanging processors, and lets processOptions rewrite recipients', async () => {
    const post = postProcessRecorder(3);
    const { server } = await start([
      heraldModule([
        reroutingProcessor('Router', 'group:default/team'),
        throwingProcessor('Thrower', 'processOptions', 'preProcess'),
        hangingProcessor('Hanger', 'preProcess'),
        {
          getName: () => 'Flaky',
          postProcess: (() => {
            let failures = 0;
            return async (n: Notification) => {
              if (n.user === 'user:default/bob' && failures < 2) {
                failures += 1;
                throw new Error('try again');
              }
              post.record(n);
            };
          })(),
        },
      ]),
    ]);
    const sent = await send(server, {
      recipients: { type: 'entity', entityRef: 'user:default/nobody' },
      payload: { title: 'Rerouted' },
    });
    // team's members plus org's, reached through the parentOf cycle
    expect(usersOf(sent)).toEqual([ALICE, BOB, CAROL]);
    expect(sent[0].payload.title).toBe('Rerouted');
    await post.done;
    expect(usersOf(post.calls)).toEqual([ALICE, BOB, CAROL]);
  });

  it('runs postProcess once for a broadcast and reports outbox counts to services only', async () => {
    const post = postProcessRecorder(1);
    const { server } = await start([
      heraldModule([
        {
          getName: () => 'Critical',
          getNotificationFilters: () => ({ minSeverity: 'critical' }),
          postProcess: async () => {
            throw new Error('filtered out, never called');
          },
        },
        { getName: () => 'All', postProcess: async n => post.record(n) },
      ]),
    ]);
    const [stored] = await send(server, {
      recipients: { type: 'broadcast' },
      payload: { title: 'Everyone' },
    });
    await post.done;
    expect(post.calls[0].id).toBe(stored.id);
    expect(post.calls[0].user).toBeNull();

    // The job is deleted just after postProcess resolves.
    await expect(outboxCounts(server, 0)).resolves.toEqual({
      pending: 0,
      dead: 0,
    });
    const forbidden = await request(server)
      .get('/api/notifications/admin/outbox')
      .set('Authorization', asUser('user:default/alice'));
    expect(forbidden.status).toBe(403);
  });

  it('keeps a broadcast from a processor that declines broadcasts, and queues nothing for it', async () => {
    const all = postProcessRecorder(1);
    const usersOnly = postProcessRecorder(1);
    const preProcessed: string[] = [];
    const { server } = await start([
      heraldModule([
        {
          getName: () => 'UsersOnly',
          getNotificationFilters: () => ({ broadcasts: false }),
          preProcess: async n => {
            preProcessed.push(n.id);
            return n;
          },
          postProcess: async n => usersOnly.record(n),
        },
        { getName: () => 'All', postProcess: async n => all.record(n) },
      ]),
    ]);
    const [broadcast] = await send(server, {
      recipients: { type: 'broadcast' },
      payload: { title: 'Everyone' },
    });
    await all.done;
    expect(all.calls[0].id).toBe(broadcast.id);
    await expect(outboxCounts(server, 0)).resolves.toEqual({
      pending: 0,
      dead: 0,
    });
    expect(preProcessed).toEqual([]);
    expect(usersOnly.calls).toEqual([]);

    const [toAlice] = await send(server, {
      recipients: { type: 'entity', entityRef: ALICE },
      payload: { title: 'Just you' },
    });
    await usersOnly.done;
    expect(usersOnly.calls.map(n => n.id)).toEqual([toAlice.id]);
    expect(preProcessed).toEqual([toAlice.id]);
  });

  it.each([
    ['a send', {}],
    ['a keyed send', { 'Idempotency-Key': 'wake-up' }],
  ])(
    'wakes the outbox once %s is answered, not at its next poll',
    async (_, headers) => {
      const post = postProcessRecorder(1);
      const { server } = await start(
        [
          heraldModule([
            { getName: () => 'Email', postProcess: async n => post.record(n) },
          ]),
        ],
        { notifications: { outbox: { pollInterval: { minutes: 10 } } } },
      );
      // The worker looks once as it starts; that look must not find the job.
      await new Promise(resolve => setTimeout(resolve, 500));
      const response = await request(server)
        .post('/api/notifications')
        .set('Authorization', asService())
        .set(headers)
        .send({
          recipients: { type: 'entity', entityRef: 'user:default/alice' },
          payload: { title: 'Woken' },
        });
      expect(response.status).toBe(200);
      await post.done;
      expect(post.calls[0].id).toBe(response.body[0].id);
    },
    15_000,
  );

  it('delivers a job left pending by a stopped backend after a restart', async () => {
    const attempted = createDeferred<void>();
    const first = await start(
      [
        heraldModule([
          {
            getName: () => 'Email',
            postProcess: async () => {
              attempted.resolve();
              throw new Error('mail server down');
            },
          },
        ]),
      ],
      {
        notifications: {
          outbox: {
            initialBackoff: { milliseconds: 300 },
            pollInterval: { milliseconds: 50 },
          },
        },
      },
    );
    const [sent] = await send(first.server, {
      recipients: { type: 'entity', entityRef: 'user:default/alice' },
      payload: { title: 'Persistent' },
    });
    await attempted;
    await stops.shift()!();
    const [pending] = await knex('notification_outbox').select(
      'status',
      'attempts',
    );
    expect(pending.status).toBe('pending');
    expect(Number(pending.attempts)).toBe(1);

    const post = postProcessRecorder(1);
    await start([
      heraldModule([
        { getName: () => 'Email', postProcess: async n => post.record(n) },
      ]),
    ]);
    await post.done;
    expect(post.calls[0].id).toBe(sent.id);
    expect(post.calls[0].payload.title).toBe('Persistent');
  });

  it.each([
    ['without preProcess', false],
    ['with a personalising preProcess', true],
  ])(
    'stores and queues a send larger than one batch of recipients, %s',
    async (_, personalise) => {
      const users = usersOfThreeBatches();
      const personal = 'user:default/u4321';
      const processors: NotificationProcessor[] = [
        {
          getName: () => 'Email',
          // Jobs stay queued, so the test can read them.
          postProcess: async () => {
            throw new Error('not now');
          },
        },
      ];
      if (personalise) {
        processors.unshift({
          getName: () => 'Personal',
          preProcess: async n =>
            n.user === personal
              ? { ...n, payload: { ...n.payload, title: 'Just for you' } }
              : n,
        });
      }
      const { server } = await start([heraldModule(processors)], {
        notifications: { outbox: { initialBackoff: { hours: 1 } } },
      });
      const sent = await send(server, {
        recipients: { type: 'entity', entityRef: users },
        payload: { title: 'Everyone' },
      });

      expect(sent.map((n: any) => n.user)).toEqual(users);
      const [{ count: rows }] = await knex('notification').count({
        count: '*',
      });
      expect(Number(rows)).toBe(users.length);
      const jobs = await queuedDeliveries(knex);
      expect(jobs.map(job => job.own.user).sort()).toEqual(users);
      expect(new Set(jobs.map(job => job.sendId)).size).toBe(1);
      const whole = jobs.map(job => job.own).filter(own => own.payload);
      expect(
        whole.map(own => ({ user: own.user, title: own.payload!.title })),
      ).toEqual(personalise ? [{ user: personal, title: 'Just for you' }] : []);
      const [{ options }] = await knex('notification_outbox_send')
        .select('options')
        .where('id', jobs[0].sendId);
      expect(JSON.parse(options).recipients.entityRef).toEqual(users);
    },
  );

  it('stores nothing of a send larger than one batch when a later batch fails', async () => {
    const users = usersOfThreeBatches();
    const refused = users[3000];
    const { server } = await start([
      heraldModule([{ getName: () => 'Email', postProcess: async () => {} }]),
    ]);
    // The database refuses one row of the second batch, as a full disk or a
    // lost connection would refuse any of it.
    const refusal = refusedUserOn(knex, refused);
    await refusal.add();
    try {
      const response = await sendToEveryone(server, users);
      expect(response.status).toBe(500);
      expect(response.body.error.name).toBe('Error');
    } finally {
      await refusal.remove();
    }
    for (const table of [
      'notification',
      'notification_outbox',
      'notification_outbox_send',
    ]) {
      const [{ count }] = await knex(table).count({ count: '*' });
      expect([table, Number(count)]).toEqual([table, 0]);
    }

    // The connection the failed send held is back in working order.
    const sent = await send(server, {
      recipients: { type: 'entity', entityRef: users },
      payload: { title: 'Everyone' },
    });
    expect(sent).toHaveLength(users.length);
  });

  it('uses a resolver set through the extension point, and allows only one', async () => {
    const resolverModule = (moduleId: string, users: string[]) =>
      notificationsModuleUsing(
        moduleId,
        upstreamProcessingExtensionPoint,
        processing =>
          processing.setNotificationRecipientResolver({
            resolveNotificationRecipients: async () => ({
              userEntityRefs: users,
            }),
          }),
      );
    const { server } = await start([
      resolverModule('custom-resolver', [
        'user:default/zed',
        'component:default/x',
      ]),
    ]);
    const sent = await send(server, {
      recipients: { type: 'entity', entityRef: 'group:default/org' },
      payload: { title: 'Custom' },
    });
    expect(sent.map((n: any) => n.user)).toEqual(['user:default/zed']);

    await expect(
      start([
        resolverModule('first-resolver', []),
        resolverModule('second-resolver', []),
      ]),
    ).rejects.toThrow(/already set/);
  });

  it("joins the reasons a resolver reports under each spelling of a user's ref", async () => {
    const group = { type: 'group', entityRef: 'group:default/org' } as const;
    const owner = {
      type: 'owner',
      entityRef: 'component:default/web',
    } as const;
    const zed = 'user:default/zed';
    const { server } = await start([
      notificationsModuleUsing(
        'reporting-resolver',
        upstreamProcessingExtensionPoint,
        processing =>
          processing.setNotificationRecipientResolver({
            resolveNotificationRecipients: async () => ({
              userEntityRefs: ['User:Default/zed', zed, ALICE],
              reasons: { 'User:Default/zed': [group], [zed]: [owner] },
            }),
          } as any),
      ),
    ]);
    const sent = await send(server, {
      recipients: { type: 'entity', entityRef: [zed, 'group:default/org'] },
      payload: { title: 'Reasons' },
    });
    expect(usersOf(sent)).toEqual([ALICE, zed]);

    const reasonsOf = async (user: string) => {
      const response = await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', asUser(user))
        .set(HERALD_EXTENSIONS_HEADER, 'true');
      return response.body.notifications.map((n: any) => n.reasons);
    };
    expect(await reasonsOf(zed)).toEqual([[{ type: 'direct' }, group, owner]]);
    // Reached, by the resolver's account, for no reason it reported.
    expect(await reasonsOf(ALICE)).toEqual([undefined]);
  });
});

describeOnPostgres('send pipeline on PostgreSQL', init => {
  /**
   * A backend with an Email processor that records its postProcess calls,
   * and the statements sent to its database that insert into `table`.
   */
  async function startWatchingInserts(table: string, expectedPosts: number) {
    const knex = await init();
    const post = postProcessRecorder(expectedPosts);
    const started = await startNotificationsBackend({
      knex,
      features: [
        heraldModule([
          { getName: () => 'Email', postProcess: async n => post.record(n) },
        ]),
      ],
      config: fastOutbox,
      entities,
    });
    const inserts: string[] = [];
    knex.on('query', (query: { sql: string }) => {
      if (query.sql.includes(`INSERT INTO "${table}" `)) {
        inserts.push(query.sql);
      }
    });
    return { ...started, knex, post, inserts };
  }

  it('writes a one-batch send, its outbox jobs and its keyed answer in one statement', async () => {
    const {
      server,
      backend,
      knex,
      post,
      inserts: writesOfNotifications,
    } = await startWatchingInserts('notification', 2);
    try {
      const body = {
        recipients: { type: 'entity', entityRef: [ALICE, BOB] },
        payload: { title: 'Deployed' },
      };
      const post1 = () =>
        request(server)
          .post('/api/notifications')
          .set('Authorization', asService())
          .set('Idempotency-Key', 'deploy-1')
          .send(body);
      const first = await post1();
      expect(first.status).toBe(200);
      expect(writesOfNotifications).toHaveLength(1);
      expect(writesOfNotifications[0]).toMatch(/^WITH /);
      expect(writesOfNotifications[0]).toContain('"notification_outbox"');
      expect(writesOfNotifications[0]).toContain('"notification_outbox_send"');
      expect(writesOfNotifications[0]).toContain(
        '"notification_idempotency_key"',
      );

      // The answer committed with the rows: a retry gets it back.
      const retry = await post1();
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(writesOfNotifications).toHaveLength(1);

      await post.done;
      expect(post.calls.map(n => n.user).sort()).toEqual([ALICE, BOB]);
      const { count } = (
        await knex('notification').count({
          count: '*',
        })
      )[0];
      expect(Number(count)).toBe(2);
    } finally {
      await backend.stop();
    }
  });

  it('writes each batch of a larger send with its outbox jobs in one statement', async () => {
    const users = usersOfThreeBatches();
    const {
      server,
      backend,
      post,
      inserts: writesOfNotifications,
    } = await startWatchingInserts('notification', users.length);
    try {
      const response = await sendToEveryone(server, users);
      expect(response.status).toBe(200);
      // Batches of 2,000 recipients: a round trip each, not one per table.
      expect(writesOfNotifications).toHaveLength(3);
      for (const write of writesOfNotifications) {
        expect(write).toMatch(/^WITH /);
        expect(write).toContain('"notification_outbox"');
      }
      expect(writesOfNotifications[0]).toContain('"notification_outbox_send"');
      await post.done;
      expect(new Set(post.calls.map(n => n.user)).size).toBe(users.length);
    } finally {
      await backend.stop();
    }
  });

  it('writes an unscoped broadcast, its outbox job and its keyed answer in one statement', async () => {
    const {
      server,
      backend,
      post,
      inserts: writesOfBroadcasts,
    } = await startWatchingInserts('broadcast', 1);
    try {
      const postBroadcast = () =>
        request(server)
          .post('/api/notifications')
          .set('Authorization', asService())
          .set('Idempotency-Key', 'maintenance-1')
          .send({
            recipients: { type: 'broadcast' },
            payload: {
              title: 'Maintenance tonight',
              description: 'From 22:00',
              link: '/status',
              severity: 'high',
              topic: 'ops',
              icon: 'warning',
              metadata: { window: '2h' },
            },
          });
      const first = await postBroadcast();
      expect(first.status).toBe(200);
      expect(writesOfBroadcasts).toHaveLength(1);
      expect(writesOfBroadcasts[0]).toMatch(/^WITH /);
      expect(writesOfBroadcasts[0]).toContain('"notification_outbox"');
      expect(writesOfBroadcasts[0]).toContain('"notification_idempotency_key"');

      const retry = await postBroadcast();
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(writesOfBroadcasts).toHaveLength(1);

      // What a user reads back is what the send answered.
      const [sent] = first.body;
      const inbox = await request(server)
        .get('/api/notifications')
        .set('Authorization', asUser(BOB));
      expect(inbox.body.notifications).toEqual([
        { ...sent, read: null, saved: null },
      ]);
      await post.done;
      expect(post.calls.map(n => [n.id, n.user])).toEqual([[sent.id, null]]);
    } finally {
      await backend.stop();
    }
  });
});
