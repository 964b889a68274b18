import { Config } from '@backstage/config';
import {
  Notification,
  NotificationProcessorFilters,
  getProcessorFiltersFromConfig,
  matchesProcessorFilters,
} from '@herald/plugin-notifications-common';
import { readDurationMs } from '@herald/plugin-notifications-node';

/** The entity annotation that names a Teams Workflows webhook URL. */
export const TEAMS_WEBHOOK_ANNOTATION = 'microsoft.com/teams-webhook-url';

/** Where Power Automate serves Workflows webhook triggers. */
const DEFAULT_ANNOTATION_HOSTS = [
  'logic.azure.com',
  'api.powerplatform.com',
  'api.powerautomate.com',
  'flow.microsoft.com',
];

/** Hosts that may be reached over plain http, for local testing. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type TeamsRoute = {
  name: string;
  webhookUrl: string;
  origins?: string[];
  filters: NotificationProcessorFilters;
};

export type TeamsConfig = {
  routes: TeamsRoute[];
  /** Empty when entity annotations are not read. */
  annotationHosts: string[];
  requestTimeoutMs: number;
};

/** Whether a route takes a notification: origin, topic and severity. */
export function routeMatches(
  route: TeamsRoute,
  notification: Pick<Notification, 'origin' | 'payload'>,
): boolean {
  if (route.origins && !route.origins.includes(notification.origin)) {
    return false;
  }
  return matchesProcessorFilters(notification.payload, route.filters);
}

function hostAllowed(host: string, allowed: string[]): boolean {
  return allowed.some(entry => host === entry || host.endsWith(`.${entry}`));
}

/**
 * Why an annotation's URL may not be posted to, or undefined when it may.
 * Anyone who can edit a catalog entity can set the annotation, so only
 * Power Automate hosts (or the configured ones) are reached, over https.
 */
export function annotationUrlProblem(
  value: string,
  allowedHosts: string[],
): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'it is not a URL';
  }
  if (!hostAllowed(url.hostname, allowedHosts)) {
    return `its host ${url.hostname} is not one of notifications.processors.msteams.entityWebhooks.allowedHosts`;
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
  ) {
    return 'it does not use https';
  }
  return undefined;
}

/**
 * Reads `notifications.processors.msteams`; undefined when the module has
 * nothing to do (no route with a URL and entity webhooks off).
 */
export function readTeamsConfig(rootConfig: Config): TeamsConfig | undefined {
  const config = rootConfig.getOptionalConfig(
    'notifications.processors.msteams',
  );
  if (!config) {
    return undefined;
  }
  const routes: TeamsRoute[] = [];
  for (const [index, route] of (
    config.getOptionalConfigArray('routes') ?? []
  ).entries()) {
    const name = route.getOptionalString('name') ?? `route ${index + 1}`;
    // A route whose URL comes from an unset environment variable is off.
    const webhookUrl = route.getOptionalString('webhookUrl');
    if (!webhookUrl) {
      continue;
    }
    try {
      const parsed = new URL(webhookUrl);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new Error();
      }
    } catch {
      throw new Error(
        `notifications.processors.msteams.routes[${index}].webhookUrl is not an http(s) URL`,
      );
    }
    routes.push({
      name,
      webhookUrl,
      origins: route.getOptionalStringArray('filter.origins'),
      filters: getProcessorFiltersFromConfig(route),
    });
  }
  const entityWebhooks = config.getOptionalConfig('entityWebhooks');
  const annotationHosts =
    entityWebhooks?.getOptionalBoolean('enabled') === true
      ? entityWebhooks.getOptionalStringArray('allowedHosts') ??
        DEFAULT_ANNOTATION_HOSTS
      : [];
  if (routes.length === 0 && annotationHosts.length === 0) {
    return undefined;
  }
  return {
    routes,
    annotationHosts,
    requestTimeoutMs: readDurationMs(config, 'requestTimeout', 10_000),
  };
}
