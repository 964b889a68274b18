/**
 * Where the module's migrations are, and the history table that keeps them
 * apart from the notifications backend's own.
 */
export const EMAIL_MIGRATIONS = {
  packageName: '@herald/plugin-notifications-backend-module-email',
  migrationsTable: 'notification_email_knex_migrations',
};
