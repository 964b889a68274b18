import { DatabaseService } from '@backstage/backend-plugin-api';
import { migrateModuleDatabase } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';

/** The module's database client, with its tables brought up to date. */
export function emailDatabase(database: DatabaseService): Promise<Knex> {
  return migrateModuleDatabase(database, {
    packageName: '@herald/plugin-notifications-backend-module-email',
    migrationsTable: 'notification_email_knex_migrations',
  });
}
