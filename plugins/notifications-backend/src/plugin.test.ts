import { TestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestDatabases,
  startNotificationsBackend,
} from './__testUtils__/notificationsTestBackend';
import { asService } from './__testUtils__/fixtures';
import { processingModule } from './__testUtils__/processing';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const resolver = {
  async resolveNotificationRecipients(options: { entityRefs: string[] }) {
    return {
      userEntityRefs: options.entityRefs.map(ref =>
        ref.replace(/^team:/, 'user:default/'),
      ),
    };
  },
};

const resolverModule = (moduleId: string) =>
  processingModule(moduleId, processing =>
    processing.setNotificationRecipientResolver(resolver),
  );

function sendAsService(server: TestBackend['server'], body: object) {
  return request(server)
    .post('/api/notifications/notifications')
    .set('Authorization', asService('test'))
    .send(body);
}

describe('notificationsProcessingExtensionPoint', () => {
  it('sends through a recipient resolver set by a module', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend, server } = await startNotificationsBackend({
      knex,
      features: [resolverModule('resolver')],
    });
    try {
      const response = await sendAsService(server, {
        recipients: { type: 'entity', entityRef: 'team:alice' },
        payload: { title: 'Resolved' },
      });
      expect(response.status).toBe(200);
      expect(response.body.map((n: any) => n.user)).toEqual([
        'user:default/alice',
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a second recipient resolver', async () => {
    const knex = await databases.init('SQLITE_3');
    await expect(
      startNotificationsBackend({
        knex,
        features: [resolverModule('first'), resolverModule('second')],
      }),
    ).rejects.toThrow(/already set. You can only set it once/);
  });
});

describe.each(databases.eachSupportedId().filter(([id]) => id !== 'MYSQL_8'))(
  'the search index on %p',
  databaseId => {
    it("takes a send's text once, whatever the number of recipients", async () => {
      const knex = await databases.init(databaseId);
      const { backend, server } = await startNotificationsBackend({
        knex,
        features: [resolverModule('resolver')],
      });
      try {
        const response = await sendAsService(server, {
          recipients: {
            type: 'entity',
            entityRef: ['team:alice', 'team:bob', 'team:carol'],
          },
          payload: { title: 'Indexed once', description: 'for three' },
        });
        expect(response.status).toBe(200);
        expect(response.body).toHaveLength(3);
        expect(await knex('notification_text').select('title')).toEqual([
          { title: 'Indexed once' },
        ]);
      } finally {
        await backend.stop();
      }
    });
  },
);
