import { NotificationSeverity, notificationSeverities } from './types';

/** @public */
export const DEFAULT_NOTIFICATION_SEVERITY: NotificationSeverity = 'normal';

/** @public */
export function isNotificationSeverity(
  value: unknown,
): value is NotificationSeverity {
  return (
    typeof value === 'string' &&
    (notificationSeverities as string[]).includes(value)
  );
}

/**
 * Lower-cases a severity and maps anything unknown to `normal`, as stored.
 * @public
 */
export function normalizeSeverity(value: unknown): NotificationSeverity {
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  return isNotificationSeverity(lowered)
    ? lowered
    : DEFAULT_NOTIFICATION_SEVERITY;
}

/**
 * 0 for the most severe (`critical`), growing towards `low`.
 * @public
 */
export function severityRank(severity: NotificationSeverity): number {
  return notificationSeverities.indexOf(severity);
}

/**
 * The given severity and every more severe one, most severe first.
 * @public
 */
export function severitiesAtLeast(
  minimum: NotificationSeverity,
): NotificationSeverity[] {
  return notificationSeverities.slice(0, severityRank(minimum) + 1);
}

/** @public */
export function isSeverityAtLeast(
  severity: NotificationSeverity,
  minimum: NotificationSeverity,
): boolean {
  return severityRank(severity) <= severityRank(minimum);
}
