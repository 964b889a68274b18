export * from './UnreadNotificationsCard';
