import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  ExtensionSlot,
  notificationsProcessingExtensionPoint,
  readPostProcessBudgetMs,
  scheduleDeliveryRecordCleanup,
} from '@herald/plugin-notifications-node';
import { readSlackConfig } from './config';
import { SlackDeliveryLog } from './deliveryLog';
import {
  notificationsSlackBlockKitExtensionPoint,
  SlackBlockKitRenderer,
} from './extensions';
import { SlackNotificationProcessor } from './processor';
import { SlackWorkspaceClient } from './slackClient';
import { SlackTargetResolver } from './targets';

/**
 * Posts notifications to Slack as the `SlackNotificationProcessor` processor.
 * @public
 */
export const notificationsModuleSlack = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'slack',
  register(reg) {
    const blockKitRenderer = new ExtensionSlot<SlackBlockKitRenderer>(
      'Slack Block Kit renderer',
    );
    reg.registerExtensionPoint(notificationsSlackBlockKitExtensionPoint, {
      setBlockKitRenderer: renderer => blockKitRenderer.provide(renderer),
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

        await scheduleDeliveryRecordCleanup({
          scheduler,
          logger,
          id: 'notifications-slack-delivery-cleanup',
          what: 'Slack delivery record(s)',
          deleteOlderThan: ageMs => log.deleteOlderThan(ageMs),
        });

        const sendBudgetMs = readPostProcessBudgetMs(config);
        processing.addProcessor(
          new SlackNotificationProcessor({
            logger,
            log,
            clients: workspaces.map(
              w => new SlackWorkspaceClient(w, logger, sendBudgetMs),
            ),
            targets: new SlackTargetResolver({ catalog, auth, cache }),
            appBaseUrl: config.getString('app.baseUrl'),
            renderer: () => blockKitRenderer.get(),
            sendBudgetMs,
          }),
        );
      },
    });
  },
});
