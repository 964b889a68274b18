import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@herald/plugin-signals-node';
// The point of this suite is the real backend delivering through this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { notificationsModuleEmail } from './module';
import { TestSmtpServer } from './__testUtils__/TestSmtpServer';
import { userEntity } from './__testUtils__/startEmailModule';

jest.setTimeout(60_000);

const entities = [
  userEntity('alice', 'alice@example.com'),
  userEntity('bob', 'bob@example.com'),
  userEntity('carol', 'carol@example.com'),
];

const quietSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ async publish() {} }),
});

type Backend = Awaited<ReturnType<typeof startTestBackend>>;

async function startBackend(knex: Knex, smtpPort: number): Promise<Backend> {
  return startTestBackend({
    features: [
      notificationsPlugin,
      notificationsModuleEmail,
      quietSignals,
      catalogServiceMock.factory({ entities }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          notifications: {
            outbox: {
              pollInterval: '100ms',
              initialBackoff: '50ms',
              maxBackoff: '200ms',
              maxAttempts: 20,
            },
            processors: {
              email: {
                transportConfig: {
                  transport: 'smtp',
                  hostname: '127.0.0.1',
                  port: smtpPort,
                },
                sender: 'herald@example.com',
                concurrencyLimit: 50,
                throttleInterval: '10ms',
                broadcastConfig: {
                  receiver: 'config',
                  receiverEmails: [
                    'ops@example.com',
                    'dev@example.com',
                    'qa@example.com',
                  ],
                },
              },
            },
          },
        },
      }),
    ],
  });
}

async function send(backend: Backend, body: object) {
  const response = await request(backend.server)
    .post('/api/notifications')
    .set('Authorization', mockCredentials.service.header())
    .send(body);
  expect(response.status).toBe(200);
  return response.body as Array<{ id: string; origin: string }>;
}

function toUsers(...names: string[]) {
  return {
    recipients: {
      type: 'entity',
      entityRef: names.map(n => `user:default/${n}`),
    },
    payload: { title: `Hello ${names.join(' and ')}`, topic: 'greetings' },
  };
}

async function outboxDrained(backend: Backend) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await request(backend.server)
      .get('/api/notifications/admin/outbox')
      .set('Authorization', mockCredentials.service.header());
    if (body.pending === 0) {
      return body as { pending: number; dead: number };
    }
    if (Date.now() > deadline) {
      throw new Error(`Outbox still has ${body.pending} pending job(s)`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

function countBy(values: string[]) {
  const counts: Record<string, number> = {};
  for (const value of values) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

describe('email through the notifications backend', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });
  let smtp: TestSmtpServer;
  let backend: Backend | undefined;

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
  });

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await smtp.close();
  });

  it.each(databases.eachSupportedId())(
    'emails every recipient and honours an Email opt-out, %p',
    async databaseId => {
      backend = await startBackend(await databases.init(databaseId), smtp.port);
      const [sent] = await send(backend, toUsers('alice'));
      await smtp.waitFor(1);

      const optOut = await request(backend.server)
        .post('/api/notifications/settings')
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({
          channels: [
            {
              id: 'Email',
              origins: [
                {
                  id: sent.origin,
                  enabled: true,
                  topics: [{ id: 'greetings', enabled: false }],
                },
              ],
            },
          ],
        });
      expect(optOut.status).toBe(200);

      await send(backend, toUsers('bob', 'carol'));
      await send(backend, {
        ...toUsers('bob'),
        payload: { title: 'Other topic' },
      });
      await smtp.waitFor(3);
      await outboxDrained(backend);

      expect(smtp.recipients()).toEqual([
        'alice@example.com',
        'bob@example.com',
        'carol@example.com',
      ]);
      const bobs = smtp.received.filter(
        r => r.envelopeTo[0] === 'bob@example.com',
      );
      expect(bobs.map(r => r.mail.subject)).toEqual(['Other topic']);
    },
  );

  it.each(databases.eachSupportedId())(
    'delivers every message exactly once when the server refuses the first attempts, %p',
    async databaseId => {
      const refusals: Record<string, number> = {};
      smtp.refuseRecipient = address => {
        refusals[address] = (refusals[address] ?? 0) + 1;
        return ['dev@example.com', 'bob@example.com'].includes(address) &&
          refusals[address] <= 2
          ? 451
          : undefined;
      };
      backend = await startBackend(await databases.init(databaseId), smtp.port);

      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance tonight' },
      });
      await send(backend, toUsers('alice', 'bob'));

      await smtp.waitFor(5);
      const { dead } = await outboxDrained(backend);
      expect(dead).toBe(0);
      expect(refusals['dev@example.com']).toBe(3);
      expect(refusals['bob@example.com']).toBe(3);
      expect(countBy(smtp.recipients())).toEqual({
        'alice@example.com': 1,
        'bob@example.com': 1,
        'dev@example.com': 1,
        'ops@example.com': 1,
        'qa@example.com': 1,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'delivers after a restart what could not be sent while the server was down, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const port = smtp.port;
      await smtp.close();

      backend = await startBackend(knex, port);
      await send(backend, toUsers('alice', 'bob'));
      await send(backend, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance tonight' },
      });
      const pendingBeforeRestart = await request(backend.server)
        .get('/api/notifications/admin/outbox')
        .set('Authorization', mockCredentials.service.header());
      expect(pendingBeforeRestart.body.pending).toBe(3);
      await backend.stop();

      smtp = await TestSmtpServer.start(port);
      backend = await startBackend(knex, port);

      await smtp.waitFor(5);
      await outboxDrained(backend);
      expect(countBy(smtp.recipients())).toEqual({
        'alice@example.com': 1,
        'bob@example.com': 1,
        'dev@example.com': 1,
        'ops@example.com': 1,
        'qa@example.com': 1,
      });
    },
  );
});
