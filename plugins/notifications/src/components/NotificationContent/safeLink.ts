import { classifyNotificationLink } from '@herald/plugin-notifications-common';

/** Where a payload link leads, in the form to render it. */
export type NotificationHref = {
  href: string;
  /** Outside the app: opened in a new tab. */
  external: boolean;
};

/**
 * The href to render for a payload link, or undefined when it must be shown
 * as text. Payloads come from outside the app, so the link is read as the
 * browser will read it (tabs, newlines and backslashes included) against
 * this page's origin, and only the normalised result is ever rendered: an
 * in-app path or an absolute http(s) URL.
 */
export function notificationHref(link: unknown): NotificationHref | undefined {
  if (!link) {
    return undefined;
  }
  const target = classifyNotificationLink(link, window.location.origin);
  if (target.kind === 'internal') {
    return { href: target.path, external: false };
  }
  if (target.kind === 'external') {
    return { href: target.url, external: true };
  }
  return undefined;
}
