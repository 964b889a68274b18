import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readDurationMs } from '@herald/plugin-notifications-node';
import { createHash } from 'node:crypto';

/** Upstream's defaults: 10 messages per minute per workspace. */
const DEFAULT_CONCURRENCY_LIMIT = 10;
const DEFAULT_THROTTLE_INTERVAL_MS = 60_000;

/** Where broadcasts with a matching origin and/or topic are posted. */
export type BroadcastRoute = {
  origin?: string;
  topic?: string;
  channels: string[];
};

/** One entry of `notifications.processors.slack`: one bot in one workspace. */
export type SlackWorkspaceConfig = {
  /** Stable across restarts and config reordering; part of delivery keys. */
  id: string;
  token: string;
  username?: string;
  broadcastChannels: string[];
  broadcastRoutes: BroadcastRoute[];
  concurrencyLimit: number;
  throttleIntervalMs: number;
  apiUrl?: string;
};

function readRoute(route: Config, at: string): BroadcastRoute {
  const channel = route.get('channel');
  const channels = typeof channel === 'string' ? [channel] : channel;
  if (
    !Array.isArray(channels) ||
    channels.length === 0 ||
    !channels.every(c => typeof c === 'string' && c.trim())
  ) {
    throw new Error(
      `Invalid config at ${at}.channel: expected a channel or a non-empty list of channels`,
    );
  }
  const origin = route.getOptionalString('origin');
  const topic = route.getOptionalString('topic');
  if (origin === undefined && topic === undefined) {
    throw new Error(
      `Invalid config at ${at}: a broadcast route needs an origin, a topic or both`,
    );
  }
  return { origin, topic, channels: channels as string[] };
}

/**
 * Reads `notifications.processors.slack`, an array with one entry per
 * workspace as upstream has it. Empty or absent means Slack is off.
 */
export function readSlackConfig(
  rootConfig: Config,
  logger?: Pick<LoggerService, 'warn'>,
): SlackWorkspaceConfig[] {
  const entries =
    rootConfig.getOptionalConfigArray('notifications.processors.slack') ?? [];
  return entries.flatMap((entry, index) => {
    const at = `notifications.processors.slack[${index}]`;
    // `token: ${SLACK_TOKEN}` with the variable unset leaves no token: that
    // workspace is off, so a sample config can carry Slack without a token.
    const token = entry.getOptionalString('token');
    if (!token) {
      logger?.warn(`${at} has no token, Slack delivery to it is off`);
      return [];
    }
    const concurrencyLimit =
      entry.getOptionalNumber('concurrencyLimit') ?? DEFAULT_CONCURRENCY_LIMIT;
    if (!Number.isInteger(concurrencyLimit) || concurrencyLimit < 1) {
      throw new Error(
        `Invalid config at ${at}.concurrencyLimit: expected a whole number of at least 1`,
      );
    }
    const throttleIntervalMs = readDurationMs(
      entry,
      'throttleInterval',
      DEFAULT_THROTTLE_INTERVAL_MS,
    );
    if (!(throttleIntervalMs > 0)) {
      throw new Error(
        `Invalid config at ${at}.throttleInterval: expected a positive duration`,
      );
    }
    return {
      id: createHash('sha256').update(token).digest('hex').slice(0, 16),
      token,
      username: entry.getOptionalString('username'),
      broadcastChannels:
        entry.getOptionalStringArray('broadcastChannels') ?? [],
      broadcastRoutes: (
        entry.getOptionalConfigArray('broadcastRoutes') ?? []
      ).map((route, i) => readRoute(route, `${at}.broadcastRoutes[${i}]`)),
      concurrencyLimit,
      throttleIntervalMs,
      apiUrl: entry.getOptionalString('apiUrl'),
    };
  });
}

/** Whether a workspace has any channel to post broadcasts to. */
export function postsBroadcasts(
  workspace: Pick<
    SlackWorkspaceConfig,
    'broadcastRoutes' | 'broadcastChannels'
  >,
): boolean {
  return (
    workspace.broadcastChannels.length > 0 ||
    workspace.broadcastRoutes.length > 0
  );
}

/**
 * The channels a broadcast goes to: the first route matching origin and
 * topic, else the first matching origin only, else the first matching topic
 * only, else `broadcastChannels`.
 */
export function broadcastChannelsFor(
  workspace: Pick<
    SlackWorkspaceConfig,
    'broadcastRoutes' | 'broadcastChannels'
  >,
  origin: string,
  topic: string | undefined,
): string[] {
  const routes = workspace.broadcastRoutes;
  const match =
    routes.find(
      r =>
        r.origin !== undefined &&
        r.topic !== undefined &&
        r.origin === origin &&
        r.topic === topic,
    ) ??
    routes.find(r => r.origin === origin && r.topic === undefined) ??
    routes.find(
      r => r.origin === undefined && r.topic !== undefined && r.topic === topic,
    );
  return match ? match.channels : workspace.broadcastChannels;
}
