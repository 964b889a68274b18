import { mockServices } from '@backstage/backend-test-utils';
import { SignalsService } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
import { OutboxStore } from '../outbox';
import { NotificationProcessors } from '../processing';
import { NotificationSender } from '../send/NotificationSender';
import { NotificationWriter } from '../store/NotificationWriter';
import {
  TestDatabase,
  clearNotificationTables,
} from './notificationsTestBackend';

/**
 * A migrated database of `database`'s kind for the tests of the enclosing
 * block, emptied of what sends write after each test.
 */
export function useSendDatabase(database: TestDatabase): () => Knex {
  let knex: Knex;
  beforeAll(async () => {
    knex = await database.migrated();
  });
  afterEach(async () => {
    await knex('notification_outbox').delete();
    await knex('notification_outbox_send').delete();
    await clearNotificationTables(knex);
  });
  return () => knex;
}

/**
 * A sender on `knex` without a backend around it: users are resolved as
 * named, every channel is on, and an Email processor queues an outbox job
 * per recipient that delivers nothing.
 */
export function createTestSender(
  knex: Knex,
  options: { signals?: SignalsService; wakeOutbox?: () => void } = {},
): NotificationSender {
  const logger = mockServices.logger.mock();
  return new NotificationSender({
    knex,
    writer: new NotificationWriter(),
    signals: options.signals ?? { publish: async () => {} },
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
    wakeOutbox: options.wakeOutbox ?? (() => {}),
  });
}
