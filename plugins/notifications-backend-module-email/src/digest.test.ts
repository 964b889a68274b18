import { SchedulerService, coreServices } from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  NotificationsTestBackend,
  notificationsModuleUsing,
  toUserRecipients,
} from '@herald/notifications-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { DigestQueue } from './DigestQueue';
import { DIGEST_LEASE_MS } from './DigestSender';
import { TestSmtpServer } from './__testUtils__/TestSmtpServer';
import { startEmailBackend } from './__testUtils__/startEmailModule';

jest.setTimeout(60_000);

const DIGEST_TASK = 'notifications-email-digest';
const DAY_MS = 24 * 60 * 60 * 1000;

type Replica = {
  backend: NotificationsTestBackend;
  scheduler: SchedulerService;
};

async function startReplica(knex: Knex, smtpPort: number): Promise<Replica> {
  // The test runs the digest task itself, at the times it chooses.
  let scheduler: SchedulerService | undefined;
  const schedulerHandle = notificationsModuleUsing(
    'test-scheduler-handle',
    coreServices.scheduler,
    service => {
      scheduler = service;
    },
  );
  const backend = await startEmailBackend({
    knex,
    smtpPort,
    email: { digest: { topics: { builds: 'daily' } } },
    features: [
      schedulerHandle,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
    ],
  });
  return { backend, scheduler: scheduler! };
}

async function send(replica: Replica, user: string, payload: object) {
  await replica.backend.send({ recipients: toUserRecipients([user]), payload });
}

async function choose(replica: Replica, user: string, frequency: string) {
  return request(replica.backend.server)
    .put('/api/notifications/email/digest')
    .set('Authorization', mockCredentials.user.header(`user:default/${user}`))
    .send({ frequency });
}

async function outboxDrained(replica: Replica) {
  expect(await replica.backend.outboxDrained()).toMatchObject({ dead: 0 });
}

/** Runs the module's digest task as if the clock read `at`. */
async function runDigestTask(scheduler: SchedulerService, at: number) {
  const clock = jest.spyOn(Date, 'now').mockReturnValue(at);
  try {
    await scheduler.triggerTask(DIGEST_TASK);
  } finally {
    clock.mockRestore();
  }
}

function digestsTo(smtp: TestSmtpServer, address: string) {
  return smtp.received.filter(r => r.envelopeTo.includes(address));
}

describe('email digests', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });
  let smtp: TestSmtpServer;
  let replicas: Replica[] = [];

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
  });

  afterEach(async () => {
    await Promise.all(replicas.map(r => r.backend.stop()));
    replicas = [];
    await smtp.close();
  });

  async function start(knex: Knex) {
    const replica = await startReplica(knex, smtp.port);
    replicas.push(replica);
    return replica;
  }

  it.each(databases.eachSupportedId())(
    'sends hourly and daily users one digest each, and critical at once, %p',
    async databaseId => {
      const replica = await start(await databases.init(databaseId));

      const initial = await request(replica.backend.server)
        .get('/api/notifications/email/digest')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(initial.body).toEqual({ frequency: 'instant', chosen: false });
      const chosen = await choose(replica, 'alice', 'hourly');
      expect(chosen.status).toBe(200);
      expect(chosen.body).toEqual({ frequency: 'hourly', chosen: true });

      await send(replica, 'alice', {
        title: 'Build 1 failed',
        description: 'The <b>unit</b> tests failed',
        link: '/catalog/default/component/one',
        severity: 'high',
      });
      await send(replica, 'alice', {
        title: 'Disk full',
        severity: 'critical',
      });
      await send(replica, 'alice', {
        title: 'Build 2 passed',
        severity: 'low',
      });
      // bob has not chosen; the admin default for the builds topic is daily.
      await send(replica, 'bob', { title: 'Nightly 1', topic: 'builds' });
      await send(replica, 'bob', { title: 'Nightly 2', topic: 'builds' });
      // carol's own choice wins over the topic default.
      await choose(replica, 'carol', 'instant');
      await send(replica, 'carol', { title: 'Hello carol', topic: 'builds' });
      await outboxDrained(replica);

      // alice's critical one is never held back.
      await smtp.waitFor(2);
      expect(smtp.received.map(r => r.mail.subject).sort()).toEqual([
        'Disk full',
        'Hello carol',
      ]);

      await runDigestTask(replica.scheduler, Date.now());
      expect(smtp.received).toHaveLength(2);

      await runDigestTask(replica.scheduler, Date.now() + 2 * DAY_MS);
      await smtp.waitFor(4);
      const [alice] = digestsTo(smtp, 'alice@example.com').slice(1);
      expect(alice.mail.subject).toBe('2 notifications');
      expect(alice.mail.text).toContain('[high] Build 1 failed');
      expect(alice.mail.text).toContain('The <b>unit</b> tests failed');
      expect(alice.mail.text).toContain(
        'http://localhost:3000/catalog/default/component/one',
      );
      expect(alice.mail.text).toContain('[low] Build 2 passed');
      expect(alice.mail.html).toContain('The &lt;b&gt;unit&lt;/b&gt; tests');
      expect(alice.mail.text).not.toContain('Disk full');
      const [bob] = digestsTo(smtp, 'bob@example.com');
      expect(bob.mail.subject).toBe('2 notifications');
      expect(bob.mail.text).toMatch(/Nightly 1[\s\S]*Nightly 2/);

      await runDigestTask(replica.scheduler, Date.now() + 3 * DAY_MS);
      expect(smtp.received).toHaveLength(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps queued notifications and expired claims across a restart, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const first = await start(knex);
      await choose(first, 'alice', 'daily');
      await send(first, 'alice', { title: 'Queued before the restart' });
      await outboxDrained(first);
      // A run that claimed the rows and died before sending.
      const stuck = await new DigestQueue(knex).claim(
        'alice@example.com',
        Date.now() + 2 * DAY_MS,
        DIGEST_LEASE_MS,
      );
      expect(stuck?.items.map(i => i.title)).toEqual([
        'Queued before the restart',
      ]);
      await first.backend.stop();
      replicas = [];

      const second = await start(knex);
      await send(second, 'alice', { title: 'Queued after the restart' });
      await outboxDrained(second);
      await runDigestTask(second.scheduler, Date.now() + 2 * DAY_MS);
      await smtp.waitFor(1);
      expect(smtp.received[0].mail.text).toContain('Queued after the restart');
      expect(smtp.received[0].mail.text).not.toContain('before the restart');

      await runDigestTask(
        second.scheduler,
        Date.now() + 2 * DAY_MS + DIGEST_LEASE_MS + 1000,
      );
      await smtp.waitFor(2);
      expect(smtp.received[1].mail.text).toContain('Queued before the restart');
      expect(smtp.received).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'sends each digest once when two replicas run the task together, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const a = await start(knex);
      const b = await start(knex);
      const users = ['alice', 'bob', 'carol'];
      for (const user of users) {
        await choose(a, user, 'hourly');
      }
      for (let i = 0; i < 5; i++) {
        for (const user of users) {
          await send(i % 2 ? a : b, user, { title: `Item ${i} for ${user}` });
        }
      }
      await outboxDrained(a);
      await outboxDrained(b);

      const at = Date.now() + 2 * 60 * 60 * 1000;
      await Promise.all([
        runDigestTask(a.scheduler, at),
        runDigestTask(b.scheduler, at),
      ]);
      await smtp.waitFor(3);
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(smtp.recipients()).toEqual([
        'alice@example.com',
        'bob@example.com',
        'carol@example.com',
      ]);
      for (const email of smtp.received) {
        expect(email.mail.subject).toBe('5 notifications');
      }
    },
  );
});

describe('the email digest route', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let smtp: TestSmtpServer;
  let replica: Replica;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    const knex = await databases.init('SQLITE_3');
    replica = await startReplica(knex, smtp.port);
  });

  afterAll(async () => {
    await replica.backend.stop();
    await smtp.close();
  });

  it('rejects an unknown frequency with a 400 and stores nothing', async () => {
    const response = await choose(replica, 'alice', 'weekly');
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    const after = await request(replica.backend.server)
      .get('/api/notifications/email/digest')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(after.body).toEqual({ frequency: 'instant', chosen: false });
  });

  it('keeps each user to their own choice and refuses services', async () => {
    await choose(replica, 'alice', 'daily');
    const bob = await request(replica.backend.server)
      .get('/api/notifications/email/digest')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(bob.body).toEqual({ frequency: 'instant', chosen: false });
    const service = await request(replica.backend.server)
      .get('/api/notifications/email/digest')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);

    const reset = await request(replica.backend.server)
      .delete('/api/notifications/email/digest')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(reset.body).toEqual({ frequency: 'instant', chosen: false });
  });
});
