import { mockServices } from '@backstage/backend-test-utils';
import { SignalsService } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
import {
  clearNotificationTables,
  describeEachDatabase,
} from '../__testUtils__/notificationsTestBackend';
import { OutboxStore } from '../outbox';
import { NotificationProcessors } from '../processing';
import { NotificationWriter } from '../store/NotificationWriter';
import { NotificationSender } from './NotificationSender';

jest.setTimeout(60_000);

describeEachDatabase("a send's outbox wake-up", database => {
  let knex: Knex;
  let wakeOutbox: jest.Mock;
  let sender: NotificationSender;

  beforeAll(async () => {
    knex = await database.migrated();
  });

  afterEach(async () => {
    await knex('notification_outbox').delete();
    await knex('notification_outbox_send').delete();
    await clearNotificationTables(knex);
  });

  beforeEach(() => {
    const logger = mockServices.logger.mock();
    const signals: SignalsService = { publish: async () => {} };
    wakeOutbox = jest.fn();
    sender = new NotificationSender({
      knex,
      writer: new NotificationWriter(),
      signals,
      recipientResolver: {
        resolveNotificationRecipients: async ({ entityRefs }) => ({
          userEntityRefs: entityRefs,
        }),
      },
      appBaseUrl: 'http://localhost:3000',
      logger,
      processors: new NotificationProcessors(
        () => [{ getName: () => 'Email', postProcess: async () => {} }],
        logger,
        1000,
      ),
      settings: {
        getRecipientChannels: async () => ({ isEnabled: () => true }),
      },
      outbox: new OutboxStore(knex),
      wakeOutbox,
    });
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
      const [{ queued }] = await knex('notification_outbox').count({
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
