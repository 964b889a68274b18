import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readPostProcessTimeoutMs } from '@herald/plugin-notifications-common';
import { notificationsProcessingExtensionPoint } from '@herald/plugin-notifications-node';
import { readSlackConfig } from './config';
import { SlackDeliveryLog } from './deliveryLog';
import {
  notificationsSlackBlockKitExtensionPoint,
  SlackBlockKitRenderer,
} from './extensions';
import { SlackNotificationProcessor } from './processor';
import { SlackWorkspaceClient } from './slackClient';
import { SlackTargetResolver } from './targets';

/** Retries end long before this; the records only need to outlive them. */
const RECORD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Posts notifications to Slack as the `SlackNotificationProcessor` processor.
 * @public
 */
export const notificationsModuleSlack = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'slack',
  register(reg) {
    let blockKitRenderer: SlackBlockKitRenderer | undefined;
    reg.registerExtensionPoint(notificationsSlackBlockKitExtensionPoint, {
      setBlockKitRenderer(renderer) {
        if (blockKitRenderer) {
          throw new Error('Slack Block Kit renderer was already registered');
        }
        blockKitRenderer = renderer;
      },
    });

    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        cache: coreServices.cache,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        processing: notificationsProcessingExtensionPoint,
      },
      async init({
        config,
        logger,
        auth,
        cache,
        database,
        scheduler,
        catalog,
        processing,
      }) {
        const workspaces = readSlackConfig(config, logger);
        if (workspaces.length === 0) {
          logger.info('No Slack workspace configured, Slack delivery is off');
          return;
        }
        const log = await SlackDeliveryLog.create(database);

        await scheduler.scheduleTask({
          id: 'notifications-slack-delivery-cleanup',
          frequency: { hours: 24 },
          timeout: { minutes: 15 },
          initialDelay: { hours: 1 },
          scope: 'global',
          fn: async () => {
            const deleted = await log.deleteOlderThan(RECORD_RETENTION_MS);
            logger.info(`Removed ${deleted} old Slack delivery record(s)`);
          },
        });

        // Half the outbox timeout: an attempt the outbox gave up on must not
        // race its retry.
        const sendBudgetMs = readPostProcessTimeoutMs(config) / 2;
        processing.addProcessor(
          new SlackNotificationProcessor({
            logger,
            log,
            clients: workspaces.map(
              w => new SlackWorkspaceClient(w, logger, sendBudgetMs),
            ),
            targets: new SlackTargetResolver({ catalog, auth, cache }),
            appBaseUrl: config.getString('app.baseUrl'),
            renderer: () => blockKitRenderer,
            sendBudgetMs,
          }),
        );
      },
    });
  },
});
