import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { closingDatabaseServiceFactory } from './database';

/** A plugin that creates a table in its database at init and keeps the client. */
function tableOwner(pluginId: string) {
  const held: { knex?: Knex } = {};
  const plugin = createBackendPlugin({
    pluginId,
    register(reg) {
      reg.registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          held.knex = await database.getClient();
          await held.knex.schema.createTable('rows', table => {
            table.integer('n');
          });
        },
      });
    },
  });
  return {
    plugin,
    get knex() {
      return held.knex!;
    },
  };
}

describe('closingDatabaseServiceFactory', () => {
  it('gives each plugin a database of its own and closes them all when the backend stops', async () => {
    const first = tableOwner('first');
    const second = tableOwner('second');
    const backend = await startTestBackend({
      features: [first.plugin, second.plugin, closingDatabaseServiceFactory],
    });

    await first.knex('rows').insert({ n: 1 });
    expect(await first.knex('rows').count({ count: '*' })).toEqual([
      { count: 1 },
    ]);
    expect(await second.knex('rows').count({ count: '*' })).toEqual([
      { count: 0 },
    ]);

    await backend.stop();
    for (const { knex } of [first, second]) {
      await expect(knex('rows').select()).rejects.toThrow(
        'Unable to acquire a connection',
      );
    }
  });

  // The reason for the factory: when this fails, the framework closes the
  // databases itself and the factory can go.
  it('is needed: the framework’s default database stays open after the backend stops', async () => {
    const owner = tableOwner('owner');
    const backend = await startTestBackend({ features: [owner.plugin] });
    await backend.stop();
    try {
      expect(await owner.knex('rows').count({ count: '*' })).toEqual([
        { count: 0 },
      ]);
    } finally {
      await owner.knex.destroy();
    }
  });
});
