import { NotificationSendOptions } from '@herald/plugin-notifications-common';
import { SignalPayload } from '@herald/plugin-signals-node';
import { describeEachDatabase } from '../__testUtils__/notificationsTestBackend';
import { createTestSender, useSendDatabase } from '../__testUtils__/sender';
import { ServedNotificationJson } from '../notificationJson';
import { NotificationSender } from './NotificationSender';

jest.setTimeout(60_000);

const users = (count: number) =>
  Array.from({ length: count }, (_, i) => `user:default/u${i}`);

describeEachDatabase("a send's answer made while it writes", database => {
  const knex = useSendDatabase(database);
  let published: SignalPayload[];
  let sender: NotificationSender;

  beforeEach(() => {
    published = [];
    sender = createTestSender(knex(), {
      signals: {
        publish: async signal => {
          published.push(signal);
        },
      },
    });
  });

  const cases: Array<[string, NotificationSendOptions, number]> = [
    [
      'a send of one batch',
      {
        recipients: { type: 'entity', entityRef: users(3) },
        payload: { title: 'Deploy' },
      },
      3,
    ],
    [
      'a send of three batches',
      {
        recipients: { type: 'entity', entityRef: users(4500) },
        payload: { title: 'Deploy' },
      },
      4500,
    ],
    [
      'a broadcast',
      { recipients: { type: 'broadcast' }, payload: { title: 'Maintenance' } },
      1,
    ],
  ];

  it.each(cases)(
    'hands over the notifications of %s before its signal is published',
    async (_, options, count) => {
      const handed: Array<{
        sent: ServedNotificationJson[];
        signalsBefore: number;
      }> = [];
      const sent = await sender.send({
        origin: 'plugin:test',
        options,
        whileWriting: written =>
          handed.push({ sent: written, signalsBefore: published.length }),
      });
      expect(sent).toHaveLength(count);
      expect(handed).toHaveLength(1);
      expect(handed[0].sent).toBe(sent);
      expect(handed[0].signalsBefore).toBe(0);
      expect(published).toHaveLength(1);
    },
  );

  it.each([
    ['one batch', 3],
    ['three batches', 4500],
  ])(
    'completes a send of %s whose caller fails while it writes',
    async (_, count) => {
      const sent = await sender.send({
        origin: 'plugin:test',
        options: {
          recipients: { type: 'entity', entityRef: users(count) },
          payload: { title: 'Deploy' },
        },
        whileWriting: () => {
          throw new Error('caller failed');
        },
      });
      expect(sent).toHaveLength(count);
      const [{ stored }] = await knex()('notification').count({ stored: '*' });
      expect(Number(stored)).toBe(count);
      expect(published).toHaveLength(1);
    },
  );
});
