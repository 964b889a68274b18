import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * The database client of a module that keeps tables of its own in its
 * plugin's database, with the migrations in the module package's
 * `migrations` folder applied (unless the database service says to skip
 * migrations). They keep their own history table, so the plugin's migration
 * history never sees them and the module can be removed without breaking
 * the plugin's migrations.
 *
 * @public
 */
export async function migrateModuleDatabase(
  database: DatabaseService,
  options: {
    /** The module's package name, e.g. `@herald/plugin-notifications-backend-module-slack`. */
    packageName: string;
    /** The module's own history table, e.g. `notification_slack_knex_migrations`. */
    migrationsTable: string;
  },
): Promise<Knex> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({
      directory: resolvePackagePath(options.packageName, 'migrations'),
      tableName: options.migrationsTable,
    });
  }
  return knex;
}
