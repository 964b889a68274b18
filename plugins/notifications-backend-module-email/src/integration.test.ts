import {
  channelModuleSuite,
  countBy,
  muteTopic,
  outlastOutboxAttempts,
  toUserRecipients,
} from '@herald/notifications-test-utils';
import { Knex } from 'knex';
import { TestSmtpServer } from './__testUtils__/TestSmtpServer';
import { startEmailBackend } from './__testUtils__/startEmailModule';

jest.setTimeout(60_000);

function startBackendEmailing(knex: Knex, smtpPort: number, maxAttempts = 20) {
  return startEmailBackend({
    knex,
    smtpPort,
    outbox: { maxAttempts },
    email: {
      broadcastConfig: {
        receiver: 'config',
        receiverEmails: [
          'ops@example.com',
          'dev@example.com',
          'qa@example.com',
        ],
      },
    },
  });
}

/** alice and bob, and the broadcast receivers, each emailed once. */
const EACH_ONCE = {
  'alice@example.com': 1,
  'bob@example.com': 1,
  'dev@example.com': 1,
  'ops@example.com': 1,
  'qa@example.com': 1,
};

function toUsers(...names: string[]) {
  return {
    recipients: toUserRecipients(names),
    payload: { title: `Hello ${names.join(' and ')}`, topic: 'greetings' },
  };
}

describe('email through the notifications backend', () => {
  const { databases, startBackend } = channelModuleSuite(startBackendEmailing);
  let smtp: TestSmtpServer;

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
  });

  afterEach(() => smtp.close());

  it.each(databases.eachSupportedId())(
    'emails every recipient and honours an Email opt-out, %p',
    async databaseId => {
      const backend = await startBackend(
        await databases.init(databaseId),
        smtp.port,
      );
      const [sent] = await backend.send(toUsers('alice'));
      await smtp.waitFor(1);

      await muteTopic(backend.server, 'user:default/bob', {
        channel: 'Email',
        origin: sent.origin,
        topic: 'greetings',
      });

      await backend.send(toUsers('bob', 'carol'));
      await backend.send({
        ...toUsers('bob'),
        payload: { title: 'Other topic' },
      });
      await smtp.waitFor(3);
      await backend.outboxDrained();

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
      const backend = await startBackend(
        await databases.init(databaseId),
        smtp.port,
      );

      await backend.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance tonight' },
      });
      await backend.send(toUsers('alice', 'bob'));

      await smtp.waitFor(5);
      const { dead } = await backend.outboxDrained();
      expect(dead).toBe(0);
      expect(refusals['dev@example.com']).toBe(3);
      expect(refusals['bob@example.com']).toBe(3);
      expect(countBy(smtp.recipients())).toEqual(EACH_ONCE);
    },
  );

  it.each(databases.eachSupportedId())(
    'delivers after a restart what could not be sent while the server was down, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const port = smtp.port;
      await smtp.close();

      const first = await startBackend(knex, port);
      await first.send(toUsers('alice', 'bob'));
      await first.send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Maintenance tonight' },
      });
      const pendingBeforeRestart = await first.outboxCounts();
      expect(pendingBeforeRestart.pending).toBe(3);
      await first.stop();

      smtp = await TestSmtpServer.start(port);
      const backend = await startBackend(knex, port);

      await smtp.waitFor(5);
      await backend.outboxDrained();
      expect(countBy(smtp.recipients())).toEqual(EACH_ONCE);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the jobs through a mail server outage longer than its attempts, then sends once, %p',
    async databaseId => {
      const port = smtp.port;
      await smtp.close();
      const backend = await startBackend(
        await databases.init(databaseId),
        port,
        2,
      );
      await backend.send(toUsers('alice', 'bob'));
      // A refused connection must defer the jobs, not spend their attempts.
      await outlastOutboxAttempts(2);
      await expect(backend.outboxCounts()).resolves.toEqual({
        pending: 2,
        dead: 0,
      });

      smtp = await TestSmtpServer.start(port);
      await smtp.waitFor(2);
      await expect(backend.outboxDrained()).resolves.toEqual({
        pending: 0,
        dead: 0,
      });
      expect(countBy(smtp.recipients())).toEqual({
        'alice@example.com': 1,
        'bob@example.com': 1,
      });
    },
  );
});
