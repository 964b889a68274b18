export * from "./UserNotificationSettingsCard";
