import {
  AuthService,
  DiscoveryService,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { NotificationSendOptions } from '@herald/plugin-notifications-common';

/** @public */
export interface NotificationService {
  send(options: NotificationSendOptions): Promise<void>;
}

/**
 * Sends notifications through the notifications backend's REST API with a
 * plugin token on behalf of the calling plugin, so the backend records the
 * caller as the origin (`plugin:<id>`).
 *
 * @public
 */
export class DefaultNotificationService implements NotificationService {
  static create(options: {
    auth: AuthService;
    discovery: DiscoveryService;
  }): DefaultNotificationService {
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
      const response = await fetch(baseUrl, {
        method: 'POST',
        body: JSON.stringify(options),
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          Authorization: `Bearer ${token}`,
        },
      });
      if (!response.ok) {
        throw new Error(`Request failed with status ${response.status}`);
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
