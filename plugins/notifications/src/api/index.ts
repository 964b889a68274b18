export * from './NotificationsApi';
export { NotificationsClient } from './NotificationsClient';
