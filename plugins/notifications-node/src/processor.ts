import {
  Notification,
  NotificationProcessorFilters,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';

/**
 * Decorates notifications before they are stored, and delivers them to other
 * channels after. Only `getName` is required; the name is also the channel id
 * users see in their settings.
 *
 * @public
 */
export interface NotificationProcessor {
  getName(): string;
  /** Once per send, before validation and recipient resolution. */
  processOptions?(
    options: NotificationSendOptions,
  ): Promise<NotificationSendOptions>;
  /** Once per recipient (or once for a broadcast), before storing. */
  preProcess?(
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<Notification>;
  /**
   * Once per recipient (or once for a broadcast), after storing. Herald runs it
   * from a durable outbox: it is retried until it resolves, so it should be
   * safe to repeat.
   */
  postProcess?(
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<void>;
  getNotificationFilters?(): NotificationProcessorFilters;
}

/** @public */
export type NotificationRecipientResolverOptions = {
  entityRefs: string[];
  excludedEntityRefs?: string[];
};

/**
 * Turns the entity refs of a send into the user refs that receive it.
 * @public
 */
export interface NotificationRecipientResolver {
  resolveNotificationRecipients(
    options: NotificationRecipientResolverOptions,
  ): Promise<{ userEntityRefs: string[] }>;
}
