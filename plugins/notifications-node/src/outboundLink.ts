import { classifyNotificationLink } from '@herald/plugin-notifications-common';
import { resolveNotificationLink } from './link';

/**
 * The absolute http(s) URL that a message leaving the app (an email, a chat
 * post, a card) links to for a notification's link. The link is read as a
 * browser reads it: app links resolve against `appBaseUrl` and external
 * ones stay, while anything else, such as a script URL or a relative link
 * disguised to reach another host, gives undefined, for the channel to
 * leave out or replace with {@link notificationsInboxUrl}.
 *
 * @public
 */
export function outboundNotificationLink(
  link: string | undefined,
  appBaseUrl: string,
): string | undefined {
  if (!link) {
    return undefined;
  }
  const target = classifyNotificationLink(link, appBaseUrl);
  if (target.kind === 'external') {
    return target.url;
  }
  if (target.kind === 'internal') {
    return resolveNotificationLink(target.path, appBaseUrl);
  }
  return undefined;
}

/**
 * The app's notifications inbox, where a message points when its
 * notification has no link it may carry.
 *
 * @public
 */
export function notificationsInboxUrl(appBaseUrl: string): string {
  return `${appBaseUrl.replace(/\/+$/, '')}/notifications`;
}
