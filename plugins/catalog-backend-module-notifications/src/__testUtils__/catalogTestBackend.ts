// Only tests import this module, so test utilities stay dev dependencies.
// eslint-disable-next-line @backstage/no-undeclared-imports
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { closingDatabaseServiceFactory } from '@herald/notifications-test-utils';
// eslint-disable-next-line @backstage/no-undeclared-imports
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The tests deliver through the real notifications backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-undeclared-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @backstage/no-undeclared-imports
import request from 'supertest';
import { catalogModuleNotifications } from '../module';

export type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

/** A catalog file the tests rewrite to add, break and repair entities. */
export async function createCatalogFile() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-notify-'));
  const file = path.join(dir, 'catalog-info.yaml');
  return {
    file,
    write: (documents: object[]) =>
      fs.writeFile(
        file,
        documents.map(document => JSON.stringify(document)).join('\n---\n'),
      ),
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** The real catalog, processing a file location every second, with Herald. */
export function startCatalog(options: { file: string; config?: object }) {
  return startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleNotifications,
      notificationsPlugin,
      closingDatabaseServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          catalog: {
            processingInterval: { seconds: 1 },
            rules: [{ allow: ['Component', 'Group', 'User', 'Location'] }],
            locations: [{ type: 'file', target: options.file }],
          },
          ...options.config,
        },
      }),
    ],
  });
}

export const user = (name: string, memberOf: string[] = []) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { memberOf },
});

export const group = (name: string, parent?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});

/** A component; a broken one lacks its lifecycle, which validation needs. */
export const component = (name: string, owner: string, broken = false) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: {
    type: 'service',
    owner,
    ...(broken ? {} : { lifecycle: 'production' }),
  },
});

export type InboxItem = {
  origin: string;
  payload: {
    title: string;
    description?: string;
    link?: string;
    topic?: string;
    scope?: string;
    severity: string;
  };
};

export async function inbox(server: Server, userRef: string) {
  const res = await request(server)
    .get('/api/notifications/notifications?limit=100')
    .set('Authorization', mockCredentials.user.header(userRef));
  if (res.status !== 200) {
    throw new Error(`Inbox of ${userRef}: ${res.status}`);
  }
  return (res.body.notifications as InboxItem[]).reverse();
}

/** The topic and scope of every notification, oldest first. */
export async function events(server: Server, userRef: string) {
  return (await inbox(server, userRef)).map(
    n => `${n.payload.topic} ${n.payload.scope?.replace(/^[^:]*:/, '')}`,
  );
}

export async function hasEntities(server: Server, refs: string[]) {
  const res = await request(server)
    .post('/api/catalog/entities/by-refs')
    .set('Authorization', mockCredentials.user.header('user:default/admin'))
    .send({ entityRefs: refs });
  return res.status === 200 && res.body.items.every(Boolean) ? true : undefined;
}
