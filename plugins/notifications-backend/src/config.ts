import { Config } from '@backstage/config';

export type NotificationsBackendConfig = {
  /** Base URL of the frontend app; relative notification links resolve against it. */
  appBaseUrl: string;
};

export function readNotificationsBackendConfig(
  config: Config,
): NotificationsBackendConfig {
  return {
    appBaseUrl: config.getString('app.baseUrl'),
  };
}
