import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { NotificationReason } from '@herald/plugin-notifications-common';
import {
  NotificationProcessor,
  NotificationRecipientResolver,
} from './processor';

/**
 * Why each resolved user was reached, by user entity ref. A
 * {@link NotificationRecipientResolver} may return it beside
 * `userEntityRefs` (the `CatalogRecipientResolver` does); the
 * notifications backend stores it with each user's notification. Users
 * without an entry, or a resolver that returns none, are stored as `direct`
 * when their own ref was a recipient, and without reasons otherwise.
 * @public
 */
export type NotificationRecipientReasons = {
  [userEntityRef: string]: NotificationReason[];
};

/** @public */
export interface NotificationsProcessingExtensionPoint {
  addProcessor(
    ...processors: Array<NotificationProcessor | NotificationProcessor[]>
  ): void;
  /** Replaces the default catalog resolver; may be called once. */
  setNotificationRecipientResolver(
    resolver: NotificationRecipientResolver,
  ): void;
}

/**
 * Shares its id with the upstream extension point, so processor modules built
 * against either package register with the Herald backend.
 * @public
 */
export const notificationsProcessingExtensionPoint =
  createExtensionPoint<NotificationsProcessingExtensionPoint>({
    id: 'notifications.processing',
  });
