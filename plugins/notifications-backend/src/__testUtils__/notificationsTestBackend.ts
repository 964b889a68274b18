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
import createKnex, { Knex } from 'knex';
import { notificationsPlugin } from '../plugin';
import { applyDatabaseMigrations } from '../store/migrations';

export const TEST_DATABASE_IDS: TestDatabaseId[] = [
  'SQLITE_3',
  'POSTGRES_15',
  'MYSQL_8',
];

export function createTestDatabases() {
  return TestDatabases.create({ ids: TEST_DATABASE_IDS });
}

/** One of the supported databases, as {@link describeEachDatabase} hands it out. */
export interface TestDatabase {
  id: TestDatabaseId;
  /** A new, empty database of this kind. */
  init(): Promise<Knex>;
  /** A new database of this kind with every migration of the plugin applied. */
  migrated(): Promise<Knex>;
}

/** Declares `tests` once per supported database, titled `<title> on '<id>'`. */
export function describeEachDatabase(
  title: string,
  tests: (database: TestDatabase) => void,
) {
  const databases = createTestDatabases();
  describe.each(databases.eachSupportedId())(`${title} on %p`, id => {
    const init = () => databases.init(id);
    tests({
      id,
      init,
      async migrated() {
        const knex = await init();
        await applyDatabaseMigrations(knex);
        return knex;
      },
    });
  });
}

/**
 * Declares `tests` on PostgreSQL alone, skipped where none is configured:
 * they need what only a server database has, such as a second replica's
 * connections or schemas. `init` gives a new, empty database.
 */
export function describeOnPostgres(
  title: string,
  tests: (init: () => Promise<Knex>) => void,
) {
  const postgres = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const describeIfConfigured =
    postgres.eachSupportedId().length > 0 ? describe : describe.skip;
  describeIfConfigured(title, () => tests(() => postgres.init('POSTGRES_15')));
}

/** A connection pool of its own to the database of `knex`, as another replica has. */
export function connectAsAnotherReplica(knex: Knex): Knex {
  return createKnex(knex.client.config);
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

/**
 * A notifications backend on one database for the tests of a suite, with
 * empty notification tables and no recorded signals before each test. The
 * fields are set once the suite's `beforeAll` has run.
 */
export function useNotificationsBackend(
  init: () => Promise<Knex>,
  options: Omit<Parameters<typeof startNotificationsBackend>[0], 'knex'> = {},
) {
  const ctx = {} as {
    knex: Knex;
    server: TestBackend['server'];
    /** Loosely typed: tests read fields only some signals have. */
    signals: any[];
  };
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ctx.knex = await init();
    const started = await startNotificationsBackend({
      ...options,
      knex: ctx.knex,
    });
    ctx.server = started.server;
    ctx.signals = started.signals;
    stop = () => started.backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  beforeEach(async () => {
    await clearNotificationTables(ctx.knex);
    ctx.signals.length = 0;
  });

  return ctx;
}
