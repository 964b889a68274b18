import { NotificationSettings } from '@herald/plugin-notifications-common';

/**
 * Reads and stores a user's notification settings; mounted by the router as
 * `GET /settings` and `POST /settings`.
 */
export interface NotificationSettingsService {
  /** The effective settings of a user, merged with the configured defaults. */
  getSettings(user: string): Promise<NotificationSettings>;
  /**
   * Validates and replaces a user's settings, then returns the effective
   * settings. Throws an InputError for a body that is not valid settings.
   */
  saveSettings(user: string, settings: unknown): Promise<NotificationSettings>;
}
