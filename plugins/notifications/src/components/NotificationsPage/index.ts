export * from "./NotificationsPage";
