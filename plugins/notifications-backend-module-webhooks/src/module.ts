import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readPostProcessTimeoutMs } from '@herald/plugin-notifications-common';
import { notificationsProcessingExtensionPoint } from '@herald/plugin-notifications-node';
import { readWebhooksConfig } from './config';
import { WebhookDeliveryLog } from './deliveryLog';
import { WebhooksProcessor } from './processor';
import { createWebhooksAdminRouter } from './router';
import { WebhookSender } from './sender';

/** Retries end long before this; the records only need to outlive them. */
const DELIVERED_RECORD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Sends notifications to admin-configured endpoints as Standard Webhooks
 * signed with each endpoint's secret, as the `Webhooks` processor, and
 * serves the delivery log to operators.
 * @public
 */
export const notificationsModuleWebhooks = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'webhooks',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        processing: notificationsProcessingExtensionPoint,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpAuth,
        httpRouter,
        processing,
      }) {
        const webhooksConfig = readWebhooksConfig(config);
        if (!webhooksConfig) {
          logger.info(
            'No webhook endpoint with a URL; the Webhooks processor is not registered',
          );
          return;
        }
        const log = await WebhookDeliveryLog.create(database);
        await scheduler.scheduleTask({
          id: 'notifications-webhooks-delivery-cleanup',
          frequency: { hours: 24 },
          timeout: { minutes: 15 },
          initialDelay: { hours: 1 },
          scope: 'global',
          fn: async () => {
            const deleted = await log.deleteDeliveredOlderThan(
              DELIVERED_RECORD_RETENTION_MS,
            );
            logger.info(`Removed ${deleted} old webhook delivery record(s)`);
          },
        });
        const postProcessTimeoutMs = readPostProcessTimeoutMs(config);
        const sender = new WebhookSender({
          log,
          // A request ends before the outbox abandons the attempt.
          requestTimeoutMs: Math.min(
            webhooksConfig.requestTimeoutMs,
            postProcessTimeoutMs / 2,
          ),
          leaseMs: postProcessTimeoutMs,
        });
        processing.addProcessor(
          new WebhooksProcessor({
            endpoints: webhooksConfig.endpoints,
            log,
            sender,
          }),
        );
        httpRouter.use(
          createWebhooksAdminRouter({
            httpAuth,
            log,
            sender,
            endpoints: webhooksConfig.endpoints,
            logger,
          }),
        );
      },
    });
  },
});
