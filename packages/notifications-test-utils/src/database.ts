import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';

/** What a test backend without `backend.database` config runs on. */
const IN_MEMORY_SQLITE = new ConfigReader({
  backend: { database: { client: 'better-sqlite3', connection: ':memory:' } },
});

/**
 * The framework's database service, which also closes every plugin's
 * connections when the backend stops. `DatabaseManager` means to close them
 * on shutdown, but (backend-defaults 0.18 and 0.19) its test for SQLite calls
 * `includes` on the client's config object, which throws, so it closes none.
 * Each stopped test backend then kept its pools, and their timers and sockets
 * kept the Jest worker alive until Jest killed it ("A worker process has
 * failed to exit gracefully"). Use it in place of the default database in
 * test backends.
 */
export const closingDatabaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    const manager = DatabaseManager.fromConfig(
      config.has('backend.database') ? config : IN_MEMORY_SQLITE,
      { rootLifecycle, rootLogger },
    );
    const clients = new Set<Knex>();
    // Root hooks run after every plugin's, so no plugin still needs these.
    rootLifecycle.addShutdownHook(async () => {
      await Promise.allSettled([...clients].map(client => client.destroy()));
    });
    return { manager, clients };
  },
  async factory({ pluginMetadata, lifecycle, logger }, { manager, clients }) {
    const service = manager.forPlugin(pluginMetadata.getId(), {
      lifecycle,
      logger,
    });
    return {
      ...service,
      async getClient() {
        const client = await service.getClient();
        clients.add(client);
        return client;
      },
    };
  },
});
