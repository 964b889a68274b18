export * from "./NotificationsTable";
