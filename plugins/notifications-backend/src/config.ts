import { Config } from '@backstage/config';

export type NotificationsBackendConfig = {
  /** Base URL of the frontend app; relative notification links resolve against it. */
  appBaseUrl: string;
  /** Largest JSON body a send accepts, in express's size notation. */
  maxRequestBodySize: number | string;
};

/** Room for a send to 10,000 explicit users (about 0.3 MB of refs) and a long description. */
export const DEFAULT_MAX_REQUEST_BODY_SIZE = '1mb';

const SIZE_PATTERN = /^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i;

function readMaxRequestBodySize(config: Config): number | string {
  const key = 'notifications.maxRequestBodySize';
  const value = config.getOptional(key);
  if (value === undefined) {
    return DEFAULT_MAX_REQUEST_BODY_SIZE;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
    return value;
  }
  if (typeof value === 'string' && SIZE_PATTERN.test(value.trim())) {
    return value.trim();
  }
  throw new Error(
    `Invalid ${key} '${value}': expected a number of bytes or a size such as '512kb' or '2mb'`,
  );
}

export function readNotificationsBackendConfig(
  config: Config,
): NotificationsBackendConfig {
  return {
    appBaseUrl: config.getString('app.baseUrl'),
    maxRequestBodySize: readMaxRequestBodySize(config),
  };
}
