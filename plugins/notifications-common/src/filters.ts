import { Config } from '@backstage/config';
import {
  DEFAULT_NOTIFICATION_SEVERITY,
  isNotificationSeverity,
  isSeverityAtLeast,
} from './severity';
import {
  NotificationPayload,
  NotificationProcessorFilters,
  NotificationSeverity,
} from './types';

function readSeverity(
  config: Config,
  key: string,
): NotificationSeverity | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) {
    return undefined;
  }
  if (!isNotificationSeverity(value)) {
    throw new Error(
      `Invalid severity '${value}' at '${key}', expected one of critical, high, normal, low`,
    );
  }
  return value;
}

/**
 * Reads `filter.minSeverity`, `filter.maxSeverity`, `filter.excludedTopics`
 * and `filter.includedTopics` from a processor's config block.
 *
 * @public
 */
export function getProcessorFiltersFromConfig(
  config: Config,
): NotificationProcessorFilters {
  const filter = config.getOptionalConfig('filter');
  if (!filter) {
    return {};
  }
  return {
    minSeverity: readSeverity(filter, 'minSeverity'),
    maxSeverity: readSeverity(filter, 'maxSeverity'),
    excludedTopics: filter.getOptionalStringArray('excludedTopics'),
    includedTopics: filter.getOptionalStringArray('includedTopics'),
  };
}

/**
 * Whether a notification passes a processor's static filters. `minSeverity`
 * drops less severe notifications, `maxSeverity` more severe ones,
 * `includedTopics` requires a listed topic, and `broadcasts: false` drops
 * broadcasts (a notification counts as one when `recipients.broadcast` says
 * so).
 *
 * @public
 */
export function matchesProcessorFilters(
  payload: Pick<NotificationPayload, 'severity' | 'topic'>,
  filters: NotificationProcessorFilters,
  recipients: { broadcast?: boolean } = {},
): boolean {
  if (recipients.broadcast && filters.broadcasts === false) {
    return false;
  }
  const severity = payload.severity ?? DEFAULT_NOTIFICATION_SEVERITY;
  if (
    filters.minSeverity &&
    !isSeverityAtLeast(severity, filters.minSeverity)
  ) {
    return false;
  }
  if (
    filters.maxSeverity &&
    !isSeverityAtLeast(filters.maxSeverity, severity)
  ) {
    return false;
  }
  const topic = payload.topic;
  if (topic && filters.excludedTopics?.includes(topic)) {
    return false;
  }
  if (filters.includedTopics && filters.includedTopics.length > 0) {
    return !!topic && filters.includedTopics.includes(topic);
  }
  return true;
}
