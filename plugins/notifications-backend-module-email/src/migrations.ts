import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** Kept apart from the notifications backend's own migration history. */
const MIGRATIONS_TABLE = 'notification_email_knex_migrations';

/** The module's database client, with its tables brought up to date. */
export async function emailDatabase(database: DatabaseService): Promise<Knex> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@herald/plugin-notifications-backend-module-email',
        'migrations',
      ),
      tableName: MIGRATIONS_TABLE,
    });
  }
  return knex;
}
