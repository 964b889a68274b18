import { createHash } from 'node:crypto';
import { Notification } from '@herald/plugin-notifications-common';

/**
 * The id of delivering one version of a notification through one processor:
 * the same on every attempt, so receivers can drop repeats. The version
 * (`updated`, else `created`) is part of it because a scoped re-send keeps
 * the notification id but is new content that must get through. Shaped as a
 * name-based UUID (version 8, SHA-256) so it fits wherever ids are expected.
 */
export function deliveryIdOf(
  notification: Pick<Notification, 'id' | 'created' | 'updated'>,
  processor: string,
): string {
  const version = new Date(
    notification.updated ?? notification.created,
  ).toISOString();
  const hex = createHash('sha256')
    .update(`${notification.id}\n${processor}\n${version}`)
    .digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
