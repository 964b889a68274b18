import { Config } from '@backstage/config';
import {
  Notification,
  NotificationProcessorFilters,
  NotificationSendOptions,
  getProcessorFiltersFromConfig,
  matchesProcessorFilters,
} from '@herald/plugin-notifications-common';
import { readDurationMs } from '@herald/plugin-notifications-node';
import { decodeWebhookSecret } from './signature';

const CONFIG_KEY = 'notifications.processors.webhooks';
const ENDPOINT_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

export type WebhookEndpoint = {
  id: string;
  url: string;
  key: Buffer;
  origins?: string[];
  recipients?: string[];
  filters: NotificationProcessorFilters;
};

export type WebhooksConfig = {
  endpoints: WebhookEndpoint[];
  requestTimeoutMs: number;
};

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * Whether an endpoint takes a notification: its origin, topic, severity,
 * and its recipient (or the entities the send was addressed to).
 */
export function endpointMatches(
  endpoint: WebhookEndpoint,
  notification: Pick<Notification, 'origin' | 'payload' | 'user'>,
  options: NotificationSendOptions,
): boolean {
  if (endpoint.origins && !endpoint.origins.includes(notification.origin)) {
    return false;
  }
  if (endpoint.recipients) {
    // A user the send named gets their own notification; only the groups
    // and other entities it named stand for every recipient.
    const addressed =
      options.recipients.type === 'entity'
        ? toArray(options.recipients.entityRef).filter(
            ref => !ref.toLocaleLowerCase('en-US').startsWith('user:'),
          )
        : [];
    const wanted = new Set(endpoint.recipients);
    const matches =
      (notification.user !== null && wanted.has(notification.user)) ||
      addressed.some(ref => wanted.has(ref));
    if (!matches) {
      return false;
    }
  }
  return matchesProcessorFilters(notification.payload, endpoint.filters);
}

/**
 * Reads `notifications.processors.webhooks`; undefined when no endpoint has
 * a URL. An endpoint without `url` is off, so an unset environment variable
 * leaves it out.
 */
export function readWebhooksConfig(
  rootConfig: Config,
): WebhooksConfig | undefined {
  const config = rootConfig.getOptionalConfig(CONFIG_KEY);
  if (!config) {
    return undefined;
  }
  const endpoints: WebhookEndpoint[] = [];
  const ids = new Set<string>();
  for (const [index, endpoint] of (
    config.getOptionalConfigArray('endpoints') ?? []
  ).entries()) {
    const where = `${CONFIG_KEY}.endpoints[${index}]`;
    const id = endpoint.getString('id');
    if (!ENDPOINT_ID.test(id)) {
      throw new Error(
        `${where}.id must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    if (ids.has(id)) {
      throw new Error(`${where}.id '${id}' is used by another endpoint`);
    }
    ids.add(id);
    const url = endpoint.getOptionalString('url');
    if (!url) {
      continue;
    }
    let protocol: string | undefined;
    try {
      protocol = new URL(url).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw new Error(`${where}.url is not an http(s) URL`);
    }
    endpoints.push({
      id,
      url,
      key: decodeWebhookSecret(endpoint.getString('secret'), `${where}.secret`),
      origins: endpoint.getOptionalStringArray('filter.origins'),
      recipients: endpoint.getOptionalStringArray('filter.recipients'),
      filters: getProcessorFiltersFromConfig(endpoint),
    });
  }
  if (endpoints.length === 0) {
    return undefined;
  }
  return {
    endpoints,
    requestTimeoutMs: readDurationMs(config, 'requestTimeout', 10_000),
  };
}
