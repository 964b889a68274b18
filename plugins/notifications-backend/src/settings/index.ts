export {
  DefaultNotificationSettingsService,
  parseDefaultSettings,
} from './DefaultNotificationSettingsService';
export type { RecipientChannels } from './DefaultNotificationSettingsService';
export { SettingsStore } from './SettingsStore';
export type { NotificationSettingsService } from './types';
