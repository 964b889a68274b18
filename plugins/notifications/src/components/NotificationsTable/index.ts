export * from './NotificationsTable';
