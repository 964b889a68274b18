export * from './NotificationsSidebarItem';
export type { NotificationSnackbarProperties } from './NotificationSnackbars';
