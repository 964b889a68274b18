import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser } from '../../testing/fixtures';
import { ALICE, useNotificationsApi } from '../../testing/notificationsApi';

jest.setTimeout(60_000);

// Serving the document reaches no table: one database is enough.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('openapi.json', () => {
  const { ctx } = useNotificationsApi(databases, 'SQLITE_3');

  it('serves the OpenAPI document with mounted paths', async () => {
    const response = await request(ctx.server)
      .get('/api/notifications/openapi.json')
      .set('Authorization', asUser(ALICE));
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/notifications/notifications',
        '/api/notifications/notifications/{id}',
        '/api/notifications/notifications/update',
        '/api/notifications/status',
        '/api/notifications/topics',
        '/api/notifications',
      ]),
    );
    const anonymous = await request(ctx.server).get(
      '/api/notifications/openapi.json',
    );
    expect(anonymous.status).toBe(401);
  });
});
