import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';
import { createTestSender, useSendDatabase } from '../__testUtils__/sender';
import { NotificationSender } from './NotificationSender';

jest.setTimeout(60_000);

describeEachDatabase("a send's outbox wake-up", database => {
  const knex = useSendDatabase(database);
  let wakeOutbox: jest.Mock;
  let sender: NotificationSender;

  beforeEach(() => {
    wakeOutbox = jest.fn();
    sender = createTestSender(knex(), { wakeOutbox });
  });

  const userSend = {
    recipients: {
      type: 'entity' as const,
      entityRef: ['user:default/alice', 'user:default/bob'],
    },
    payload: { title: 'Deploy' },
  };
  const broadcast = {
    recipients: { type: 'broadcast' as const },
    payload: { title: 'Maintenance' },
  };

  it.each([
    ['to users', userSend],
    ['to everyone', broadcast],
  ])(
    'waits for the caller to answer before it wakes the outbox, %s',
    async (_, options) => {
      let answered: (() => void) | undefined;
      await sender.send({
        origin: 'plugin:test',
        options,
        afterAnswer: wake => {
          answered = wake;
        },
      });
      const [{ queued }] = await knex()('notification_outbox').count({
        queued: '*',
      });
      expect(Number(queued)).toBeGreaterThan(0);
      expect(wakeOutbox).not.toHaveBeenCalled();
      answered!();
      expect(wakeOutbox).toHaveBeenCalledTimes(1);
    },
  );

  it('wakes the outbox as it returns when nobody answers after it', async () => {
    await sender.send({ origin: 'plugin:test', options: userSend });
    expect(wakeOutbox).toHaveBeenCalledTimes(1);
  });
});
