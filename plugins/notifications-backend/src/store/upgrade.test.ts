import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { UPSTREAM_MIGRATIONS } from '../../bin/back-to-upstream';
import {
  describeEachDatabase,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import { ALICE } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const upstreamMigrations = resolvePackagePath(
  '@backstage/plugin-notifications-backend',
  'migrations',
);

const OWN_ID = '2f1d7c8e-4b1a-4c55-9f0e-0a1b2c3d4e5f';
const BROADCAST_ID = '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d';

describeEachDatabase('upgrading an upstream database', database => {
  it('keeps the rows written by the upstream backend readable through our API', async () => {
    const knex = await database.init();
    await knex.migrate.latest({ directory: upstreamMigrations });

    await knex('notification').insert({
      id: OWN_ID,
      user: ALICE,
      title: 'Written by upstream',
      description: 'Old row',
      severity: 'high',
      link: 'https://example.com/old',
      origin: 'plugin:catalog',
      scope: 'old-scope',
      topic: 'legacy',
      icon: 'info',
      metadata: JSON.stringify({ ticket: 'OPS-1' }),
      created: new Date('2025-06-01T10:00:00.000Z'),
      read: new Date('2025-06-02T10:00:00.000Z'),
      saved: null,
      updated: null,
    });
    await knex('broadcast').insert({
      id: BROADCAST_ID,
      title: 'Upstream broadcast',
      severity: 'normal',
      origin: 'external:ci',
      created: new Date('2025-06-03T10:00:00.000Z'),
    });
    await knex('broadcast_user_status').insert({
      broadcast_id: BROADCAST_ID,
      user: ALICE,
      saved: new Date('2025-06-04T10:00:00.000Z'),
    });
    await knex('user_settings').insert({
      user: ALICE,
      channel: 'Web',
      origin: 'plugin:catalog',
      topic: null,
      enabled: true,
      settings_key_hash: 'a'.repeat(64),
    });

    const { backend, server } = await startNotificationsBackend({ knex });
    try {
      const applied: string[] = await knex('knex_migrations')
        .orderBy('id')
        .pluck('name');
      expect(applied.slice(0, UPSTREAM_MIGRATIONS.length)).toEqual(
        UPSTREAM_MIGRATIONS,
      );
      expect(applied).toContain('20261128_herald_indexes.js');

      const response = await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', mockCredentials.user.header(ALICE));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        totalCount: 2,
        notifications: [
          {
            id: BROADCAST_ID,
            user: null,
            created: '2025-06-03T10:00:00.000Z',
            read: null,
            saved: '2025-06-04T10:00:00.000Z',
            updated: null,
            origin: 'external:ci',
            payload: {
              title: 'Upstream broadcast',
              description: null,
              link: null,
              severity: 'normal',
              topic: null,
              scope: null,
              icon: null,
            },
          },
          {
            id: OWN_ID,
            user: ALICE,
            created: '2025-06-01T10:00:00.000Z',
            read: '2025-06-02T10:00:00.000Z',
            saved: null,
            updated: null,
            origin: 'plugin:catalog',
            payload: {
              title: 'Written by upstream',
              description: 'Old row',
              link: 'https://example.com/old',
              severity: 'high',
              topic: 'legacy',
              scope: 'old-scope',
              icon: 'info',
              metadata: { ticket: 'OPS-1' },
            },
          },
        ],
      });

      const resent = await request(server)
        .post('/api/notifications/notifications')
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('plugin:catalog'),
            targetPluginId: 'notifications',
          }),
        )
        .send({
          recipients: { type: 'entity', entityRef: ALICE },
          payload: { title: 'Updated by Herald', scope: 'old-scope' },
        });
      expect(resent.body.error?.message).toBeUndefined();
      expect(resent.status).toBe(200);
      expect(resent.body[0].id).toBe(OWN_ID);
      expect(resent.body[0].created).toBe('2025-06-01T10:00:00.000Z');
    } finally {
      await backend.stop();
    }
  });
});
