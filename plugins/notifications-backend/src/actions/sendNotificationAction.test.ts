import { mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  createTestDatabases,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import { ALICE, BOB, asService, asUser } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

// The action adds no SQL of its own; the send path's database coverage is in
// the pipeline tests.
const databases = createTestDatabases();

const INVOKE =
  '/api/notifications/.backstage/actions/v1/actions/notifications:send/invoke';

/** Alice may send to entities but not broadcast; nobody else may send. */
const policy = mockServices.permissions.mock({
  async authorize(requests, options) {
    const principal = (options as any).credentials.principal;
    return requests.map(({ permission }) => ({
      result:
        principal.userEntityRef === ALICE &&
        permission.name === 'notification.send'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })) as any;
  },
});

async function inboxOf(server: any, user: string) {
  const res = await request(server)
    .get('/api/notifications/notifications')
    .set('Authorization', asUser(user));
  expect(res.status).toBe(200);
  return res.body.notifications as Array<{ origin: string; payload: any }>;
}

describe('notifications:send', () => {
  it('sends for a plugin, the way an agent calls it, and refuses users while permissions are off', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend, server } = await startNotificationsBackend({
      knex,
      features: [actionsRegistryServiceFactory],
    });
    try {
      const sent = await request(server)
        .post(INVOKE)
        .set('Authorization', asService('mcp-actions'))
        .send({
          recipients: { type: 'entity', entityRef: BOB },
          payload: { title: 'Deploy finished', topic: 'deploys' },
        });
      expect(sent.status).toBe(200);
      expect(sent.body.output.notifications).toHaveLength(1);
      expect(await inboxOf(server, BOB)).toEqual([
        expect.objectContaining({
          origin: 'plugin:mcp-actions',
          payload: expect.objectContaining({ title: 'Deploy finished' }),
        }),
      ]);

      const refused = await request(server)
        .post(INVOKE)
        .set('Authorization', asUser(ALICE))
        .send({
          recipients: { type: 'entity', entityRef: BOB },
          payload: { title: 'From Alice' },
        });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual(
        expect.objectContaining({
          name: 'NotAllowedError',
          message: expect.stringContaining('permission framework'),
        }),
      );

      const invalid = await request(server)
        .post(INVOKE)
        .set('Authorization', asService('mcp-actions'))
        .send({ recipients: { type: 'entity' }, payload: { title: 'x' } });
      expect(invalid.status).toBe(400);
      expect(await inboxOf(server, BOB)).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  it('asks the permission policy for users: send, and broadcast on top', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend, server } = await startNotificationsBackend({
      knex,
      config: { permission: { enabled: true } },
      features: [actionsRegistryServiceFactory, policy.factory],
    });
    try {
      const invoke = (user: string, body: object) =>
        request(server)
          .post(INVOKE)
          .set('Authorization', asUser(user))
          .send(body);

      const toBob = await invoke(ALICE, {
        recipients: { type: 'entity', entityRef: [BOB] },
        payload: { title: 'Review please' },
      });
      expect(toBob.status).toBe(200);
      expect(await inboxOf(server, BOB)).toEqual([
        expect.objectContaining({
          origin: ALICE,
          payload: expect.objectContaining({ title: 'Review please' }),
        }),
      ]);

      const broadcast = await invoke(ALICE, {
        recipients: { type: 'broadcast' },
        payload: { title: 'Everyone!' },
      });
      expect(broadcast.status).toBe(403);
      expect(broadcast.body.error.message).toBe(
        'Not allowed to send this notification: missing permission notification.broadcast',
      );

      const byBob = await invoke(BOB, {
        recipients: { type: 'entity', entityRef: ALICE },
        payload: { title: 'Hi' },
      });
      expect(byBob.status).toBe(403);
      expect(byBob.body.error.message).toBe(
        'Not allowed to send this notification: missing permission notification.send',
      );
      expect(await inboxOf(server, ALICE)).toEqual([]);
      expect(await inboxOf(server, BOB)).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
