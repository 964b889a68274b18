import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  NOTIFICATIONS_SIGNAL_CHANNEL,
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import { NotificationRecipientResolver } from '@herald/plugin-notifications-node';
import { SignalsService } from '@herald/plugin-signals-node';
import { JsonObject } from '@backstage/types';
import { notificationToJson } from '../notificationJson';
import { DeliveryStore, NotificationContent } from './DeliveryStore';
import { assertFits, validateSendOptions } from './validation';

export type NotificationSenderOptions = {
  store: DeliveryStore;
  signals: SignalsService;
  recipientResolver: NotificationRecipientResolver;
  appBaseUrl: string;
  logger: LoggerService;
};

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** User refs of the resolved recipients, normalised and without duplicates. */
function uniqueUserRefs(refs: string[], excluded: string[]): string[] {
  const excludedSet = new Set(excluded);
  const users = new Set<string>();
  for (const ref of refs) {
    if (!ref || excludedSet.has(ref)) {
      continue;
    }
    try {
      const entityRef = parseEntityRef(ref);
      if (entityRef.kind.toLocaleLowerCase('en-US') === 'user') {
        users.add(stringifyEntityRef(entityRef));
      }
    } catch {
      // A resolver may return refs it could not make sense of; they reach nobody.
    }
  }
  return [...users];
}

/**
 * Validates a send, stores every resulting row in one transaction and
 * announces it with a single signal.
 */
export class NotificationSender {
  constructor(private readonly options: NotificationSenderOptions) {}

  async send(request: {
    origin: string;
    options: NotificationSendOptions;
  }): Promise<Notification[]> {
    const { origin, options } = request;
    const content = validateSendOptions(
      options,
      origin,
      this.options.appBaseUrl,
    );
    const now = new Date();

    if (options.recipients.type === 'broadcast') {
      const notification = await this.options.store.storeBroadcast({
        origin,
        content,
        now,
      });
      await this.publishBroadcast(notification);
      return [notification];
    }
    if (options.recipients.type === 'entity') {
      return await this.sendToEntities(
        origin,
        options.recipients,
        content,
        now,
      );
    }
    throw new InputError('Invalid recipients type');
  }

  private async sendToEntities(
    origin: string,
    recipients: { entityRef: string | string[]; excludeEntityRef?: string | string[] },
    content: NotificationContent,
    now: Date,
  ): Promise<Notification[]> {
    const entityRefs = toArray(recipients.entityRef);
    const excludedEntityRefs = toArray(recipients.excludeEntityRef);
    let resolved: string[];
    try {
      const result =
        await this.options.recipientResolver.resolveNotificationRecipients({
          entityRefs,
          excludedEntityRefs,
        });
      resolved = result.userEntityRefs;
    } catch (error) {
      throw new InputError('Failed to send user notifications', error);
    }
    const users = uniqueUserRefs(resolved, excludedEntityRefs);
    if (users.length === 0) {
      return [];
    }
    for (const user of users) {
      assertFits('user', user);
    }
    const notifications = await this.options.store.storeUserNotifications({
      origin,
      users,
      content,
      now,
    });
    await this.publishToUsers(notifications);
    return notifications;
  }

  private async publishBroadcast(notification: Notification) {
    await this.publish({
      recipients: { type: 'broadcast' },
      channel: NOTIFICATIONS_SIGNAL_CHANNEL,
      message: {
        action: 'new_notification',
        notification_id: notification.id,
        notification: notificationToJson(notification),
      },
    });
  }

  /**
   * One publish for the whole send; each user's own id travels in
   * `perRecipient`. With a single recipient the base message carries it too,
   * so signal backends that do not know `perRecipient` still deliver it.
   */
  private async publishToUsers(notifications: Notification[]) {
    const perRecipient: { [user: string]: JsonObject } = {};
    for (const notification of notifications) {
      perRecipient[notification.user!] = {
        notification_id: notification.id,
        notification: notificationToJson(notification),
      };
    }
    const message: JsonObject =
      notifications.length === 1
        ? { action: 'new_notification', ...perRecipient[notifications[0].user!] }
        : { action: 'new_notification' };
    await this.publish({
      recipients: {
        type: 'user',
        entityRef: notifications.map(notification => notification.user!),
      },
      channel: NOTIFICATIONS_SIGNAL_CHANNEL,
      message,
      perRecipient,
    });
  }

  /** The rows are committed by now; a failed signal must not fail the send. */
  private async publish(signal: Parameters<SignalsService['publish']>[0]) {
    try {
      await this.options.signals.publish(signal);
    } catch (error) {
      this.options.logger.warn(
        `Failed to publish notification signal: ${error}`,
      );
    }
  }
}
