import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { TodoSignal } from '@herald/plugin-example-todo-common';
import {
  NotificationSendOptions,
  notificationService,
} from '@herald/plugin-notifications-node';
import { SignalPayload, signalsServiceRef } from '@herald/plugin-signals-node';
import request from 'supertest';
import { exampleTodoPlugin } from './plugin';

// These stand in for the notifications and signals backends so that this
// suite covers the plugin's own HTTP contract; the integration suite runs the
// real ones.
function recordingServices(options: { failSend?: boolean } = {}) {
  const sent: NotificationSendOptions[] = [];
  const published: SignalPayload[] = [];
  const features = [
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        async send(sendOptions: NotificationSendOptions) {
          if (options.failSend) {
            throw new Error('notifications backend unavailable');
          }
          sent.push(sendOptions);
        },
      }),
    }),
    createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({
        async publish(signal: SignalPayload<any>) {
          published.push(signal);
        },
      }),
    }),
  ];
  return { sent, published, features };
}

async function start(options: { failSend?: boolean } = {}) {
  const recorded = recordingServices(options);
  const { server } = await startTestBackend({
    features: [exampleTodoPlugin, ...recorded.features],
  });
  return { ...recorded, server };
}

describe('example-todo backend', () => {
  it('lists the seeded todos', async () => {
    const { server } = await start();

    const res = await request(server).get('/api/example-todo/todos');

    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items[0]).toEqual({
      id: '1',
      title: expect.any(String),
      owner: expect.stringMatching(/^(user|group):default\//),
      completed: false,
    });
  });

  it('completing a todo notifies its owner and broadcasts a typed signal', async () => {
    const { server, sent, published } = await start();
    const [todo] = (await request(server).get('/api/example-todo/todos')).body
      .items;

    const res = await request(server)
      .post(`/api/example-todo/todos/${todo.id}/complete`)
      .set('Authorization', mockCredentials.user.header('user:default/jane'));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...todo,
      completed: true,
      completedBy: 'user:default/jane',
      completedAt: expect.any(String),
    });
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: todo.owner },
        payload: {
          title: `Todo completed: ${todo.title}`,
          description: `user:default/jane completed "${todo.title}".`,
          link: '/example-todo',
          severity: 'normal',
          topic: 'todo-completed',
        },
      },
    ]);
    const expected: SignalPayload<TodoSignal> = {
      recipients: { type: 'broadcast' },
      channel: 'example-todo',
      message: { action: 'todo_completed', todo: res.body },
    };
    expect(published).toEqual([expected]);

    const listed = await request(server).get('/api/example-todo/todos');
    expect(listed.body.items[0]).toEqual(res.body);
  });

  it('answers 409 when the todo is already completed and 404 for an unknown one', async () => {
    const { server, sent } = await start();
    await request(server).post('/api/example-todo/todos/1/complete');

    const again = await request(server).post(
      '/api/example-todo/todos/1/complete',
    );
    const unknown = await request(server).post(
      '/api/example-todo/todos/999/complete',
    );

    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.name).toBe('NotFoundError');
    expect(sent).toHaveLength(1);
  });

  it('keeps the todo open when the notification cannot be sent', async () => {
    const { server, published } = await start({ failSend: true });

    const res = await request(server).post(
      '/api/example-todo/todos/1/complete',
    );

    expect(res.status).toBe(500);
    expect(published).toEqual([]);
    const listed = await request(server).get('/api/example-todo/todos');
    expect(listed.body.items[0].completed).toBe(false);
  });

  it('lets only users complete todos', async () => {
    const { server, sent } = await start();

    const asService = await request(server)
      .post('/api/example-todo/todos/1/complete')
      .set('Authorization', mockCredentials.service.header());

    expect(asService.status).toBe(403);
    expect(sent).toEqual([]);
  });

  it('rejects unauthenticated requests', async () => {
    const recorded = recordingServices();
    const { server } = await startTestBackend({
      features: [
        exampleTodoPlugin,
        ...recorded.features,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });

    const res = await request(server).get('/api/example-todo/todos');

    expect(res.status).toBe(401);
  });

  it('creates a todo for a group and broadcasts todo_created', async () => {
    const { server, published } = await start();

    const res = await request(server)
      .post('/api/example-todo/todos')
      .set('Authorization', mockCredentials.user.header('user:default/jane'))
      .send({ title: '  Write the release notes ', owner: 'Group:team-a' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      title: 'Write the release notes',
      owner: 'group:default/team-a',
      completed: false,
    });
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'example-todo',
        message: { action: 'todo_created', todo: res.body },
      },
    ]);
  });

  it.each([
    ['a missing title', { owner: 'user:default/jane' }, /title/],
    ['an empty title', { title: ' ', owner: 'user:default/jane' }, /title/],
    [
      'a title over 200 characters',
      { title: 'x'.repeat(201), owner: 'user:default/jane' },
      /200/,
    ],
    ['a missing owner', { title: 'Ship it' }, /owner/],
    [
      'an owner that is not a user or group',
      { title: 'Ship it', owner: 'component:default/svc' },
      /user or group/,
    ],
    ['a malformed owner', { title: 'Ship it', owner: 'user:' }, /owner/],
  ])('rejects %s with 400', async (_name, body, message) => {
    const { server, published } = await start();

    const res = await request(server)
      .post('/api/example-todo/todos')
      .send(body);

    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    expect(published).toEqual([]);
  });
});
