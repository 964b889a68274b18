import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * Reads an optional duration config key in milliseconds: a number of
 * milliseconds, an ISO 8601 or `'100ms'`-style string, or a `{ minutes: 5 }`
 * object. Absent keys give `defaultMs`.
 *
 * @public
 */
export function readDurationMs(
  config: Config,
  key: string,
  defaultMs: number,
): number {
  if (!config.has(key)) {
    return defaultMs;
  }
  const raw = config.get(key);
  if (typeof raw === 'number') {
    return raw;
  }
  return durationToMilliseconds(readDurationFromConfig(config, { key }));
}

/**
 * `notifications.outbox.timeout`: how long one `postProcess` call may run
 * before the outbox gives up on it and retries later. Processors that pace
 * their own work read it too.
 *
 * @public
 */
export function readPostProcessTimeoutMs(rootConfig: Config): number {
  return readDurationMs(rootConfig, 'notifications.outbox.timeout', 60_000);
}

/**
 * Half of `notifications.outbox.timeout`: how long a processor keeps
 * starting work, or lets one request run, within one `postProcess` call.
 * The outbox gives up on an attempt after its timeout and retries it later;
 * work that ends by half of it never races that retry.
 *
 * @public
 */
export function readPostProcessBudgetMs(rootConfig: Config): number {
  return readPostProcessTimeoutMs(rootConfig) / 2;
}
