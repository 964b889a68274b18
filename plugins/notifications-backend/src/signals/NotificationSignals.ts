import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  NOTIFICATIONS_SIGNAL_CHANNEL,
  NewNotificationSignal,
  NotificationDoneSignal,
  NotificationReadSignal,
  NotificationSnoozedSignal,
} from '@herald/plugin-notifications-common';
import {
  SignalPayload,
  SignalsService,
  diffRecipientMessages,
} from '@herald/plugin-signals-node';
import { ServedNotificationJson } from '../notificationJson';

function newNotification(
  notification: ServedNotificationJson,
): NewNotificationSignal {
  return {
    action: 'new_notification',
    notification_id: notification.id,
    notification,
  };
}

/**
 * Everything this backend publishes on the `notifications` signal channel.
 * The changes are stored before any of it is published, so a failed signal
 * is logged and never fails the request: other tabs refresh later.
 */
export class NotificationSignals {
  constructor(
    private readonly options: {
      signals: SignalsService;
      logger: LoggerService;
    },
  ) {}

  /** A new or re-sent broadcast, to every signed-in user. */
  async publishBroadcast(notification: ServedNotificationJson): Promise<void> {
    await this.publish({
      recipients: { type: 'broadcast' },
      channel: NOTIFICATIONS_SIGNAL_CHANNEL,
      message: newNotification(notification),
    });
  }

  /**
   * The one signal of the new or re-sent notifications of a send. What all
   * recipients' notifications have in common travels once in the message;
   * `perRecipient` carries each user's id and whatever else differs
   * (preProcess may personalise, a scoped re-send keeps each user's own
   * dates). With a single recipient the message carries everything, so
   * signal backends that do not know `perRecipient` still deliver it.
   *
   * Built apart from its publish, so a send builds it while the database
   * writes and publishes it once the rows are committed.
   */
  usersSignal(
    notifications: ServedNotificationJson[],
  ): SignalPayload | undefined {
    const messages = new Map<string, JsonObject>();
    for (const notification of notifications) {
      messages.set(notification.user!, newNotification(notification));
    }
    if (messages.size === 0) {
      return undefined;
    }
    const recipients = {
      type: 'user' as const,
      entityRef: [...messages.keys()],
    };
    if (messages.size === 1) {
      const [message] = messages.values();
      return { recipients, channel: NOTIFICATIONS_SIGNAL_CHANNEL, message };
    }
    const { message, perRecipient } = diffRecipientMessages(messages);
    return {
      recipients,
      channel: NOTIFICATIONS_SIGNAL_CHANNEL,
      message,
      perRecipient,
    };
  }

  /** A signal built earlier, such as {@link NotificationSignals.usersSignal}'s. */
  async publishBuilt(signal: SignalPayload | undefined): Promise<void> {
    if (signal) {
      await this.publish(signal);
    }
  }

  /**
   * A snooze ended: to the user's clients the notification is new again,
   * whether it is their own or a broadcast.
   */
  async publishWoken(
    user: string,
    notification: ServedNotificationJson,
  ): Promise<void> {
    await this.publishToUser(user, newNotification(notification));
  }

  /** The user's other tabs mark these notifications read or unread. */
  async publishReadState(
    user: string,
    ids: string[],
    read: boolean,
  ): Promise<void> {
    const message: NotificationReadSignal = {
      action: read ? 'notification_read' : 'notification_unread',
      notification_ids: ids,
    };
    await this.publishToUser(user, message);
  }

  /** The user's other tabs move these notifications out of or back into the inbox. */
  async publishDoneState(
    user: string,
    ids: string[],
    done: boolean,
  ): Promise<void> {
    const message: NotificationDoneSignal = {
      action: done ? 'notification_done' : 'notification_undone',
      notification_ids: ids,
    };
    await this.publishToUser(user, message);
  }

  /** The user's other tabs hide these notifications until `until`. */
  async publishSnoozed(
    user: string,
    ids: string[],
    until: Date,
  ): Promise<void> {
    const message: NotificationSnoozedSignal = {
      action: 'notification_snoozed',
      notification_ids: ids,
      until: until.toISOString(),
    };
    await this.publishToUser(user, message);
  }

  private async publishToUser(user: string, message: JsonObject) {
    await this.publish({
      recipients: { type: 'user', entityRef: [user] },
      channel: NOTIFICATIONS_SIGNAL_CHANNEL,
      message,
    });
  }

  private async publish(signal: SignalPayload) {
    try {
      await this.options.signals.publish(signal);
    } catch (error) {
      this.options.logger.warn(
        `Failed to publish notification signal: ${error}`,
      );
    }
  }
}
