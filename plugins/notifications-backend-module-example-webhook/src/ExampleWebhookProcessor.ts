import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  NotificationPostProcessContext,
  NotificationProcessor,
} from '@herald/plugin-notifications-node';

/** The origin the notifications service gives the example todo plugin. */
export const EXAMPLE_TODO_ORIGIN = 'plugin:example-todo';

/** A system icon name, resolved by the app's icons API. */
export const EXAMPLE_TODO_ICON = 'dashboard';

/**
 * `preProcess` sets an icon on notifications of the example todo plugin;
 * `postProcess` POSTs each stored notification as JSON to a webhook.
 *
 * `postProcess` throws on network errors and non-2xx answers: the
 * notifications backend runs it from its durable outbox and retries until it
 * resolves, so a webhook that is down receives the notification later.
 * Every attempt of one delivery carries the same delivery id in the
 * `webhook-id` and `Idempotency-Key` headers, so the receiver can drop
 * repeats.
 *
 * @public
 */
export class ExampleWebhookProcessor implements NotificationProcessor {
  constructor(private readonly webhookUrl: string) {}

  getName(): string {
    return 'example-webhook';
  }

  async preProcess(notification: Notification): Promise<Notification> {
    if (notification.origin !== EXAMPLE_TODO_ORIGIN) {
      return notification;
    }
    return {
      ...notification,
      payload: { ...notification.payload, icon: EXAMPLE_TODO_ICON },
    };
  }

  async postProcess(
    notification: Notification,
    _options: NotificationSendOptions,
    context?: NotificationPostProcessContext,
  ): Promise<void> {
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        // A host without delivery ids (the upstream backend) sends none.
        ...(context
          ? {
              'webhook-id': context.deliveryId,
              'Idempotency-Key': context.deliveryId,
            }
          : {}),
      },
      body: JSON.stringify(notification),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer();
    if (!response.ok) {
      throw new Error(
        `Webhook answered ${response.status} ${response.statusText} for notification ${notification.id}`,
      );
    }
  }
}
