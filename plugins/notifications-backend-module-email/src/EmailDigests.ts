import { Notification } from '@herald/plugin-notifications-common';
import { DigestChoices } from './DigestChoices';
import { DigestQueue, digestDueAt } from './DigestQueue';
import { notificationUrl } from './template';

/** Decides, per delivery, between emailing now and queueing for a digest. */
export class EmailDigests {
  constructor(
    private readonly options: {
      choices: DigestChoices;
      queue: DigestQueue;
      dailyHourUtc: number;
      baseUrl: string;
    },
  ) {}

  /**
   * Queues the delivery when its user gets digests; false means email it now.
   * Critical notifications and broadcasts are never held back.
   */
  async queueIfDigested(
    notification: Notification,
    deliveryId: string,
    addresses: string[],
  ): Promise<boolean> {
    const userRef = notification.user;
    if (!userRef || notification.payload.severity === 'critical') {
      return false;
    }
    const frequency = await this.options.choices.frequencyFor(
      userRef,
      notification,
    );
    if (frequency === 'instant') {
      return false;
    }
    await this.options.queue.enqueue({
      deliveryId,
      userRef,
      addresses,
      notification,
      url: notificationUrl(notification, this.options.baseUrl),
      dueAt: digestDueAt(frequency, Date.now(), this.options.dailyHourUtc),
    });
    return true;
  }
}
