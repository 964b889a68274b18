import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The tests deliver through the real notifications backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import {
  closingDatabaseServiceFactory,
  waitFor,
} from '@herald/notifications-test-utils';
import request from 'supertest';
import { scaffolderModuleNotifications } from '../module';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice';

function template(name: string, steps: object[], tags: string[] = []): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default', title: `The ${name}`, tags },
    spec: { type: 'service', parameters: [], steps },
  };
}

const TEMPLATES = [
  template('works', [
    { id: 'log', action: 'debug:log', input: { message: 'hello' } },
  ]),
  template('breaks', [{ id: 'nope', action: 'no:such-action', input: {} }]),
  template('waits', [
    { id: 'wait', action: 'debug:wait', input: { seconds: 60 } },
  ]),
  template(
    'quiet',
    [{ id: 'log', action: 'debug:log', input: { message: 'hello' } }],
    ['no-task-notification'],
  ),
];

/**
 * The scaffolder reads each task's events every second until it reads the
 * task's end, and goes on reading after its backend stops. A backend that
 * stops two reads after its last task ended closes its database after those
 * reads are done.
 */
const TASK_EVENT_READS_MS = 2000;

async function startScaffolder(options: { config?: object } = {}) {
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleNotifications,
      notificationsPlugin,
      closingDatabaseServiceFactory,
      catalogServiceMock.factory({ entities: TEMPLATES }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://localhost:3000' }, ...options.config },
      }),
    ],
  });
  const stopBackend = backend.stop.bind(backend);
  return Object.assign(backend, {
    async stop() {
      await new Promise(resolve => setTimeout(resolve, TASK_EVENT_READS_MS));
      await stopBackend();
    },
  });
}

type Server = Awaited<ReturnType<typeof startScaffolder>>['server'];

async function run(server: Server, name: string, user = ALICE) {
  const res = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header(user))
    .send({ templateRef: `template:default/${name}`, values: {} });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function taskStatus(server: Server, taskId: string) {
  const res = await request(server)
    .get(`/api/scaffolder/v2/tasks/${taskId}`)
    .set('Authorization', mockCredentials.user.header(ALICE));
  return res.body.status as string;
}

/**
 * The scaffolder's task broker wakes its idle worker only on a dispatch in
 * the same process, so a task dispatched while that worker was between its
 * last empty claim and its wait stays open until the next dispatch there.
 * Seen on a loaded machine; in a deployment the next task wakes it. A task
 * open too long is nudged by a run of the quiet template on every replica:
 * that template opts out of notifications, so a nudge adds none.
 */
async function taskReaches(
  replicas: Server | Server[],
  taskId: string,
  statuses: string[],
) {
  const servers = Array.isArray(replicas) ? replicas : [replicas];
  const nudgeAfterMs = 2000;
  let openSince = Date.now();
  let status = 'unknown';
  try {
    return await waitFor(
      `task ${taskId} to be ${statuses.join(' or ')}`,
      async () => {
        status = await taskStatus(servers[0], taskId);
        if (status !== 'open') {
          openSince = Date.now();
        } else if (Date.now() - openSince > nudgeAfterMs) {
          await Promise.all(servers.map(server => run(server, 'quiet')));
          openSince = Date.now();
        }
        return statuses.includes(status) ? status : undefined;
      },
    );
  } catch (error) {
    throw new Error(`${error}; its status was still ${status}`);
  }
}

function finished(replicas: Server | Server[], taskId: string) {
  return taskReaches(replicas, taskId, ['completed', 'failed', 'cancelled']);
}

/**
 * The scaffolder (4.3.0) cancels a task by naming the step of its newest
 * event that has one, and answers 500 when it has events but none with a
 * step: from the task's "Starting up" log to its first step's. A test that
 * cancels waits until the step has begun.
 */
async function stepBegun(server: Server, taskId: string, stepId: string) {
  await taskReaches(server, taskId, ['processing']);
  await waitFor(`step ${stepId} of task ${taskId} to begin`, async () => {
    const res = await request(server)
      .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
      .set('Authorization', mockCredentials.user.header(ALICE));
    const events = res.body as Array<{ body?: { stepId?: string } }>;
    return events.some(event => event.body?.stepId === stepId)
      ? true
      : undefined;
  });
}

async function inbox(server: Server, user = ALICE) {
  const res = await request(server)
    .get('/api/notifications/notifications?limit=100')
    .set('Authorization', mockCredentials.user.header(user));
  expect(res.status).toBe(200);
  return res.body.notifications as Array<{
    origin: string;
    payload: { title: string; link?: string; topic?: string; severity: string };
  }>;
}

/** Waits until every event of the module has been handled. */
async function settled(server: Server, expectedCount: number) {
  await waitFor(`${expectedCount} notifications`, async () =>
    (await inbox(server)).length >= expectedCount ? true : undefined,
  );
  // A duplicate would arrive right after the first one.
  await new Promise(resolve => setTimeout(resolve, 1000));
  return inbox(server);
}

describe('task completion notifications', () => {
  it('tells the starter once how each run ended, with a link to the task, unless the template opts out', async () => {
    const backend = await startScaffolder();
    try {
      const { server } = backend;
      const works = await run(server, 'works');
      expect(await finished(server, works)).toBe('completed');
      const breaks = await run(server, 'breaks');
      expect(await finished(server, breaks)).toBe('failed');
      const quiet = await run(server, 'quiet');
      expect(await finished(server, quiet)).toBe('completed');
      const waits = await run(server, 'waits');
      await stepBegun(server, waits, 'wait');
      const cancel = await request(server)
        .post(`/api/scaffolder/v2/tasks/${waits}/cancel`)
        .set('Authorization', mockCredentials.user.header(ALICE));
      expect({ status: cancel.status, body: cancel.body }).toMatchObject({
        status: 200,
      });
      await finished(server, waits);

      const notifications = await settled(server, 3);
      const byLink = Object.fromEntries(
        notifications.map(n => [n.payload.link, n]),
      );
      expect(notifications).toHaveLength(3);
      expect(byLink[`/create/tasks/${works}`]).toMatchObject({
        origin: 'plugin:scaffolder',
        payload: {
          title: '“The works” completed',
          topic: 'scaffolder-task',
          severity: 'normal',
        },
      });
      expect(byLink[`/create/tasks/${breaks}`]).toMatchObject({
        payload: { title: '“The breaks” failed', severity: 'high' },
      });
      expect(byLink[`/create/tasks/${waits}`]).toMatchObject({
        payload: { title: '“The waits” was cancelled', severity: 'low' },
      });
      expect(await inbox(server, 'user:default/bob')).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('sends nothing for a muted topic, nor when an admin turned it off', async () => {
    const muted = await startScaffolder();
    try {
      const { server } = muted;
      const saved = await request(server)
        .post('/api/notifications/settings')
        .set('Authorization', mockCredentials.user.header(ALICE))
        .send({
          channels: [
            {
              id: 'Web',
              origins: [
                {
                  id: 'plugin:scaffolder',
                  enabled: true,
                  topics: [{ id: 'scaffolder-task', enabled: false }],
                },
              ],
            },
          ],
        });
      expect(saved.status).toBe(200);
      await finished(server, await run(server, 'works'));
      // Bob has not muted it: his notification shows the send went through.
      await finished(server, await run(server, 'works', 'user:default/bob'));
      await waitFor('Bob’s notification', async () =>
        (await inbox(server, 'user:default/bob')).length === 1
          ? true
          : undefined,
      );
      expect(await inbox(server)).toEqual([]);
    } finally {
      await muted.stop();
    }

    const off = await startScaffolder({
      config: {
        scaffolder: { notifications: { taskCompletion: { enabled: false } } },
      },
    });
    try {
      await finished(off.server, await run(off.server, 'works'));
      await new Promise(resolve => setTimeout(resolve, 1500));
      expect(await inbox(off.server)).toEqual([]);
    } finally {
      await off.stop();
    }
  });
});

describe('task completion notifications on two replicas', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'notifies each run exactly once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const connection = (knex.client.config as any).connection;
      const database = (knex.client.config as any).connection.database;
      // Both replicas use per-plugin databases named after this test's one.
      const replica = {
        config: {
          backend: {
            database: { client: 'pg', connection, prefix: `${database}_` },
          },
        },
      };
      const replicas = [
        await startScaffolder(replica),
        await startScaffolder(replica),
      ];
      try {
        const tasks: string[] = [];
        for (let i = 0; i < 6; i++) {
          const { server } = replicas[i % 2];
          tasks.push(await run(server, i % 3 === 2 ? 'breaks' : 'works'));
        }
        for (const taskId of tasks) {
          await finished(
            replicas.map(r => r.server),
            taskId,
          );
        }
        const notifications = await settled(replicas[0].server, tasks.length);
        expect(notifications.map(n => n.payload.link).sort()).toEqual(
          tasks.map(t => `/create/tasks/${t}`).sort(),
        );
        expect(await inbox(replicas[1].server)).toHaveLength(tasks.length);
      } finally {
        await Promise.all(replicas.map(r => r.stop()));
      }
    },
  );
});
