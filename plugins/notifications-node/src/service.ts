import {
  AuthService,
  DiscoveryService,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  NotificationSendOptions,
  RETURN_MINIMAL_PREFERENCE,
} from '@herald/plugin-notifications-common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** @public */
export interface NotificationService {
  send(options: NotificationSendOptions): Promise<void>;
}

/** @public */
export type NotificationServiceOptions = {
  auth: AuthService;
  discovery: DiscoveryService;
};

/** Waits before each retry of a send; its length bounds the retries. */
const RETRY_DELAYS_MS = [250, 1000, 4000];

/**
 * Answers worth another attempt with the same key: the backend failed or was
 * unreachable (5xx), or the first attempt is still running there (409).
 */
function isRetryable(status: number): boolean {
  return status >= 500 || status === 409;
}

/**
 * Sends notifications through the notifications backend's REST API with a
 * plugin token on behalf of the calling plugin, so the backend records the
 * caller as the origin (`plugin:<id>`).
 *
 * Each call carries a fresh `Idempotency-Key` and retries network errors and
 * 5xx answers a few times with that same key, so a retry of a send the
 * backend already stored is answered from its record instead of sending
 * twice.
 *
 * @public
 */
export class DefaultNotificationService implements NotificationService {
  static create(
    options: NotificationServiceOptions,
  ): DefaultNotificationService {
    return new DefaultNotificationService(options.auth, options.discovery);
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
  ) {}

  async send(options: NotificationSendOptions): Promise<void> {
    try {
      const baseUrl = await this.discovery.getBaseUrl('notifications');
      const { token } = await this.auth.getPluginRequestToken({
        onBehalfOf: await this.auth.getOwnServiceCredentials(),
        targetPluginId: 'notifications',
      });
      const body = JSON.stringify(options);
      const idempotencyKey = randomUUID();
      for (let attempt = 0; ; attempt++) {
        const retryDelay = RETRY_DELAYS_MS[attempt];
        let response: Response;
        try {
          response = await fetch(baseUrl, {
            method: 'POST',
            body,
            headers: {
              'Content-Type': 'application/json',
              Accept: 'application/json',
              Authorization: `Bearer ${token}`,
              'Idempotency-Key': idempotencyKey,
              // The stored notifications are not read here; a send to a
              // large group would otherwise answer with megabytes of them.
              Prefer: RETURN_MINIMAL_PREFERENCE,
            },
          });
        } catch (error) {
          if (retryDelay === undefined) {
            throw error;
          }
          await sleep(retryDelay);
          continue;
        }
        if (response.ok) {
          return;
        }
        if (retryDelay === undefined || !isRetryable(response.status)) {
          throw new Error(`Request failed with status ${response.status}`);
        }
        // Frees the connection for the next attempt.
        await response.arrayBuffer().catch(() => undefined);
        await sleep(retryDelay);
      }
    } catch (error) {
      throw new Error(`Failed to send notifications: ${error}`);
    }
  }
}

/**
 * Same id and scope as upstream's ref, so plugins depending on either resolve
 * the same service.
 * @public
 */
export const notificationService = createServiceRef<NotificationService>({
  id: 'notifications.service',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      factory: ({ auth, discovery }) =>
        DefaultNotificationService.create({ auth, discovery }),
    }),
});
