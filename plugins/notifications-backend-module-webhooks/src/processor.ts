import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  deferWhenTransient,
  NotificationPostProcessContext,
  NotificationProcessor,
  DeliveryTargetsError,
} from '@herald/plugin-notifications-node';
import { WebhookEndpoint, endpointMatches } from './config';
import { WebhookDeliveryLog, deliveryKeyOf } from './deliveryLog';
import { webhookPayload } from './payload';
import { WebhookSender } from './sender';

/** The settings channel id users switch webhooks off with. */
export const WEBHOOKS_CHANNEL = 'Webhooks';

/** Thrown so the outbox retries the endpoints that did not get the message. */
export class WebhookDeliveryError extends DeliveryTargetsError {
  constructor(
    notification: Notification,
    failures: Array<{ endpoint: string; reason: string }>,
  ) {
    super(
      `Webhook of notification ${notification.id} not delivered to ${failures.length} endpoint(s)`,
      failures.map(f => ({ target: f.endpoint, reason: f.reason })),
    );
  }
}

/**
 * Sends each notification to the endpoints whose filters take it, signed
 * per Standard Webhooks with the outbox's delivery id as `webhook-id`.
 * postProcess throws while an endpoint still lacks the message, so the
 * outbox retries with its backoff (deferring, without spending attempts,
 * while every failure is transient); the delivery log skips endpoints that
 * have it.
 */
export class WebhooksProcessor implements NotificationProcessor {
  constructor(
    private readonly options: {
      endpoints: WebhookEndpoint[];
      log: WebhookDeliveryLog;
      sender: WebhookSender;
    },
  ) {}

  getName(): string {
    return WEBHOOKS_CHANNEL;
  }

  async postProcess(
    notification: Notification,
    options: NotificationSendOptions,
    context?: NotificationPostProcessContext,
  ): Promise<void> {
    const endpoints = this.options.endpoints.filter(endpoint =>
      endpointMatches(endpoint, notification, options),
    );
    if (endpoints.length === 0) {
      return;
    }
    // A host without delivery ids (the upstream backend) gets the notification id.
    const webhookId = context?.deliveryId ?? notification.id;
    const body = JSON.stringify(webhookPayload(notification));
    const failures: Array<{
      endpoint: string;
      reason: string;
      transient: boolean;
      retryAfterMs?: number;
    }> = [];
    await Promise.all(
      endpoints.map(async endpoint => {
        const key = deliveryKeyOf(webhookId, endpoint.id);
        await this.options.log.record({
          key,
          webhookId,
          notificationId: notification.id,
          endpointId: endpoint.id,
          body,
        });
        const result = await this.options.sender.attempt(key, endpoint);
        if (result.kind === 'failed') {
          failures.push({ endpoint: endpoint.id, ...result });
        }
      }),
    );
    if (failures.length > 0) {
      // Only passing failures defer: an outage or rate limit of any length
      // must not dead-letter the job, while a refusal spends its attempts.
      throw deferWhenTransient(
        new WebhookDeliveryError(notification, failures),
        failures,
      );
    }
  }
}
