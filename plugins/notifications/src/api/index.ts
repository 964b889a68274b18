export * from './NotificationsApi';
export { NotificationsClient } from './NotificationsClient';
export { markAllRead } from './markAllRead';
