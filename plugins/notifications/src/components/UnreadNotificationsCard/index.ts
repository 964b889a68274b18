export * from "./UnreadNotificationsCard";
