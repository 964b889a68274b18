import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { NotificationPayload } from '@herald/plugin-notifications-common';
import { KnownBlock } from '@slack/web-api';

/**
 * Turns a notification payload into the Block Kit blocks of its Slack
 * message. What it returns is posted as is, so escape text you insert into
 * mrkdwn.
 *
 * @public
 */
export type SlackBlockKitRenderer = (
  payload: NotificationPayload,
) => KnownBlock[];

/**
 * Lets another backend module supply the blocks of every Slack message.
 *
 * @public
 */
export interface NotificationsSlackBlockKitExtensionPoint {
  /** Replaces the default layout; may be called once. */
  setBlockKitRenderer(renderer: SlackBlockKitRenderer): void;
}

/**
 * Same id as upstream's extension point, so layout modules written for
 * either Slack module register with this one.
 *
 * @public
 */
export const notificationsSlackBlockKitExtensionPoint =
  createExtensionPoint<NotificationsSlackBlockKitExtensionPoint>({
    id: 'notifications.slack.blockkit',
  });
