import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { notificationsProcessingExtensionPoint } from '@herald/plugin-notifications-node';
import { ExampleWebhookProcessor } from './ExampleWebhookProcessor';

const WEBHOOK_URL_KEY = 'notifications.processors.exampleWebhook.url';

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Registers {@link ExampleWebhookProcessor} when a webhook URL is configured.
 *
 * @public
 */
export const notificationsModuleExampleWebhook = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'example-webhook',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        notifications: notificationsProcessingExtensionPoint,
      },
      async init({ config, logger, notifications }) {
        const url = config.getOptionalString(WEBHOOK_URL_KEY);
        if (!url) {
          logger.info(
            `No ${WEBHOOK_URL_KEY} configured, the example webhook processor is not registered`,
          );
          return;
        }
        // Fail at startup rather than on every delivery.
        if (!isHttpUrl(url)) {
          throw new Error(
            `${WEBHOOK_URL_KEY} must be an http(s) URL, got '${url}'`,
          );
        }
        notifications.addProcessor(new ExampleWebhookProcessor(url));
      },
    });
  },
});
