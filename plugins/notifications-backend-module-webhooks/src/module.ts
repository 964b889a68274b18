import { coreServices } from '@backstage/backend-plugin-api';
import { createChannelModule } from '@herald/plugin-notifications-node';
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
export const notificationsModuleWebhooks = createChannelModule({
  moduleId: 'webhooks',
  migrations: {
    packageName: '@herald/plugin-notifications-backend-module-webhooks',
    migrationsTable: 'notification_webhook_knex_migrations',
  },
  deps: {
    httpAuth: coreServices.httpAuth,
    httpRouter: coreServices.httpRouter,
  },
  readConfig: readWebhooksConfig,
  offMessage:
    'No webhook endpoint with a URL; the Webhooks processor is not registered',
  async init({ httpAuth, httpRouter }, context) {
    const { logger, channelConfig: webhooksConfig } = context;
    const log = new WebhookDeliveryLog(context.knex);
    await context.scheduleRecordCleanup(log, 'webhook delivery record(s)');
    const sender = new WebhookSender({
      log,
      requestTimeoutMs: Math.min(
        webhooksConfig.requestTimeoutMs,
        context.postProcess.budgetMs,
      ),
      leaseMs: context.postProcess.timeoutMs,
    });
    context.processing.addProcessor(
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
