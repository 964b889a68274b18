import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  NotificationProcessor,
  NotificationRecipientResolver,
} from './processor';

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
