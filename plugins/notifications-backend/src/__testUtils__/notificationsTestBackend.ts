import { createServiceFactory } from '@backstage/backend-plugin-api';
// Only tests import this module, so test utilities stay dev dependencies.
// eslint-disable-next-line @backstage/no-undeclared-imports
import {
  TestBackend,
  TestDatabaseId,
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SignalPayload, signalsServiceRef } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
import { notificationsPlugin } from '../plugin';

export const TEST_DATABASE_IDS: TestDatabaseId[] = [
  'SQLITE_3',
  'POSTGRES_15',
  'MYSQL_8',
];

export function createTestDatabases() {
  return TestDatabases.create({ ids: TEST_DATABASE_IDS });
}

/** Records published signals so tests can assert on them. */
export function createSignalRecorder() {
  const published: SignalPayload[] = [];
  const factory = createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      async publish(signal: SignalPayload<any>) {
        published.push(signal);
      },
    }),
  });
  return { published, factory };
}

export async function startNotificationsBackend(options: {
  knex: Knex;
  features?: BackendFeature[];
  config?: object;
  /** The catalog recipients are resolved against. */
  entities?: Entity[];
}): Promise<{
  backend: TestBackend;
  server: TestBackend['server'];
  signals: SignalPayload[];
}> {
  const signals = createSignalRecorder();
  const backend = await startTestBackend({
    features: [
      notificationsPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://localhost:3000' }, ...options.config },
      }),
      signals.factory,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(options.features ?? []),
    ],
  });
  return { backend, server: backend.server, signals: signals.published };
}

export async function clearNotificationTables(knex: Knex) {
  await knex('broadcast_user_status').delete();
  await knex('broadcast').delete();
  await knex('notification').delete();
}
