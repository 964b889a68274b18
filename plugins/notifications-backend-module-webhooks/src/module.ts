import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  notificationsProcessingExtensionPoint,
  readPostProcessBudgetMs,
  readPostProcessTimeoutMs,
  scheduleDeliveryRecordCleanup,
} from '@herald/plugin-notifications-node';
import { readWebhooksConfig } from './config';
import { WebhookDeliveryLog } from './deliveryLog';
import { WebhooksProcessor } from './processor';
import { createWebhooksAdminRouter } from './router';
import { WebhookSender } from './sender';

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
        await scheduleDeliveryRecordCleanup({
          scheduler,
          logger,
          id: 'notifications-webhooks-delivery-cleanup',
          what: 'webhook delivery record(s)',
          deleteOlderThan: ageMs => log.deleteDeliveredOlderThan(ageMs),
        });
        const sender = new WebhookSender({
          log,
          requestTimeoutMs: Math.min(
            webhooksConfig.requestTimeoutMs,
            readPostProcessBudgetMs(config),
          ),
          leaseMs: readPostProcessTimeoutMs(config),
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
