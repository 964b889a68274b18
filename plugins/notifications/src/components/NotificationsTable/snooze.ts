import { Notification } from '@herald/plugin-notifications-common';

/**
 * When the notification's snooze ends, or undefined if it is not snoozed.
 * Answers from the client carry the time as the JSON string (as they carry
 * `created`), so it is read with `new Date` rather than used as a Date. A
 * snooze whose time has passed still counts until the backend wakes it, as
 * the backend's own filters do.
 */
export function snoozedUntilOf(notification: Notification): Date | undefined {
  return notification.snoozedUntil
    ? new Date(notification.snoozedUntil)
    : undefined;
}

/** The snooze choices offered on a row and for the selection. */
export const snoozePresets = ['hour', 'tomorrow', 'nextWeek'] as const;
export type SnoozePreset = (typeof snoozePresets)[number];

const HOUR_MS = 60 * 60 * 1000;
/** Mornings start here, in the user's own time zone. */
const MORNING_HOUR = 9;

/**
 * When a snooze chosen `now` ends: in an hour, tomorrow at 9:00, or next
 * Monday at 9:00 (a week from today when today is a Monday), local time.
 */
export function snoozeUntil(preset: SnoozePreset, now: Date = new Date()) {
  if (preset === 'hour') {
    return new Date(now.getTime() + HOUR_MS);
  }
  const morning = new Date(now);
  morning.setHours(MORNING_HOUR, 0, 0, 0);
  if (preset === 'tomorrow') {
    morning.setDate(morning.getDate() + 1);
    return morning;
  }
  const daysToMonday = (8 - morning.getDay()) % 7 || 7;
  morning.setDate(morning.getDate() + daysToMonday);
  return morning;
}
