import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@herald/plugin-notifications-common';
import knexFactory from 'knex';
import { TaskCompletionNotifier } from './TaskCompletionNotifier';
import { TaskCompletionStore } from './TaskCompletionStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

function claimed(taskId: string, tags: string[] = []) {
  return {
    topic: 'scaffolder.task',
    eventPayload: {
      id: taskId,
      status: 'processing',
      createdBy: 'user:default/alice',
      spec: {
        templateInfo: {
          entityRef: 'template:default/hello',
          entity: { metadata: { name: 'hello', tags } },
        },
      },
    },
  };
}

const ended = (taskId: string, status: string) => ({
  topic: 'scaffolder.task',
  eventPayload: { id: taskId, status, createdBy: 'user:default/alice' },
});

describe('TaskCompletionNotifier', () => {
  it.each(databases.eachSupportedId())(
    'notifies a completion once when two replicas both see it, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // A second pool on the same database, as a second replica has.
      const other =
        databaseId === 'SQLITE_3'
          ? knex
          : knexFactory({ ...knex.client.config, pool: { min: 0, max: 2 } });
      const sent: NotificationSendOptions[] = [];
      const replica = async (client: typeof knex) =>
        new TaskCompletionNotifier({
          store: await TaskCompletionStore.create(
            mockServices.database({ knex: client }),
          ),
          notifications: { send: async options => void sent.push(options) },
          logger: mockServices.logger.mock(),
          optOutTag: 'no-task-notification',
        });
      try {
        const [a, b] = [await replica(knex), await replica(other)];
        for (const [taskId, status] of [
          ['t-1', 'completed'],
          ['t-2', 'failed'],
        ]) {
          await a.onEvent(claimed(taskId));
          await Promise.all([
            a.onEvent(ended(taskId, status)),
            b.onEvent(ended(taskId, status)),
          ]);
        }
        // A cancellation request, then the aborted run ending as failed.
        await b.onEvent(claimed('t-3'));
        await a.onEvent({
          topic: 'scaffolder.task',
          eventPayload: { id: 7, taskId: 't-3', status: 'cancelled' },
        });
        await Promise.all([
          a.onEvent(ended('t-3', 'failed')),
          b.onEvent(ended('t-3', 'failed')),
        ]);
        // Cancelled while it waited for a worker.
        await a.onEvent({
          topic: 'scaffolder.task',
          eventPayload: { id: 8, taskId: 't-5', status: 'cancelled' },
        });
        await b.onEvent(claimed('t-5'));
        await b.onEvent(ended('t-5', 'failed'));
        // Opted out by tag.
        await a.onEvent(claimed('t-4', ['no-task-notification']));
        await b.onEvent(ended('t-4', 'completed'));
        // A retried run is notified again when it ends.
        await b.onEvent(claimed('t-1'));
        await a.onEvent(ended('t-1', 'failed'));

        expect(
          sent.map(({ payload }) => [payload.scope, payload.title]),
        ).toEqual([
          ['scaffolder-task:t-1', '“hello” completed'],
          ['scaffolder-task:t-2', '“hello” failed'],
          ['scaffolder-task:t-3', '“hello” was cancelled'],
          ['scaffolder-task:t-5', '“hello” was cancelled'],
          ['scaffolder-task:t-1', '“hello” failed'],
        ]);
        expect(sent[0]).toEqual({
          recipients: { type: 'entity', entityRef: 'user:default/alice' },
          payload: expect.objectContaining({
            link: '/create/tasks/t-1',
            topic: 'scaffolder-task',
          }),
        });
      } finally {
        if (other !== knex) {
          await other.destroy();
        }
      }
    },
  );
});
