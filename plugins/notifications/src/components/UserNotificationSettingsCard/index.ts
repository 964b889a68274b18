export * from './UserNotificationSettingsCard';
