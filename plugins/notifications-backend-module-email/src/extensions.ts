import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Notification } from '@herald/plugin-notifications-common';

/**
 * Renders the parts of an email. A missing `getSubject` falls back to the
 * notification title; a missing `getText` or `getHtml` leaves that part out
 * of the message.
 *
 * @public
 */
export interface NotificationTemplateRenderer {
  getSubject?(notification: Notification): Promise<string>;
  getText?(notification: Notification): Promise<string>;
  getHtml?(notification: Notification): Promise<string>;
}

/** @public */
export interface NotificationsEmailTemplateExtensionPoint {
  /** Replaces the default template; may be called once. */
  setTemplateRenderer(renderer: NotificationTemplateRenderer): void;
}

/**
 * Same id as upstream's extension point, so template modules written for
 * either email module register with this one.
 * @public
 */
export const notificationsEmailTemplateExtensionPoint =
  createExtensionPoint<NotificationsEmailTemplateExtensionPoint>({
    id: 'notifications.email.templates',
  });
