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
   * safe to repeat. `context.deliveryId` is the same on every attempt; pass it
   * on to receivers (as an idempotency key) so they can drop repeats. Hosts
   * that do not know the context (the upstream backend) call it with two
   * arguments.
   */
  postProcess?(
    notification: Notification,
    options: NotificationSendOptions,
    context?: NotificationPostProcessContext,
  ): Promise<void>;
  getNotificationFilters?(): NotificationProcessorFilters;
}

/**
 * What Herald's outbox tells a processor about one postProcess delivery.
 *
 * @public
 */
export type NotificationPostProcessContext = {
  /**
   * Identifies the delivery of one version of a notification through one
   * processor: derived from the notification id, the processor name and the
   * notification's `updated` (or `created`) time, never from the attempt. A
   * scoped re-send, which keeps the notification id but changes its content,
   * gets a new one.
   */
  deliveryId: string;
  /** 1 for the first attempt, counting retries after failures and crashes. */
  attempt: number;
};

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
