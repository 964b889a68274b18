/**
 * Herald notifications frontend: the inbox page, the sidebar bell, settings
 * and snackbars, wire-compatible with the Backstage notifications backend.
 *
 * @packageDocumentation
 */
export { notificationsPlugin, NotificationsPage } from './plugin';
export type { NotificationsPageProps } from './components/NotificationsPage';
export * from './api';
export { useNotificationsApi } from './hooks/useNotificationsApi';
export {
  NotificationsSidebarItem,
  NotificationsLive,
  NotificationsBadgeIcon,
  type NotificationsLiveProps,
  type NotificationsRenderItemProps,
  type NotificationsSideBarItemProps,
  type NotificationSnackbarProperties,
} from './components/NotificationsSidebarItem';
export {
  NotificationsTable,
  type NotificationsTableProps,
} from './components/NotificationsTable';
export {
  UnreadNotificationsCard,
  type UnreadNotificationsCardProps,
} from './components/UnreadNotificationsCard';
export {
  UserNotificationSettingsCard,
  type UserNotificationSettingsCardProps,
} from './components/UserNotificationSettingsCard';
export {
  NotificationDescription,
  type NotificationDescriptionProps,
} from './components/NotificationContent';
export { notificationsTranslationRef } from './translation';
