import { coreServices } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  createChannelModule,
  ExtensionSlot,
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
export const notificationsModuleSlack = createChannelModule({
  moduleId: 'slack',
  migrations: {
    packageName: '@herald/plugin-notifications-backend-module-slack',
    migrationsTable: 'notification_slack_knex_migrations',
  },
  registerExtensionPoints(reg) {
    const blockKitRenderer = new ExtensionSlot<SlackBlockKitRenderer>(
      'Slack Block Kit renderer',
    );
    reg.registerExtensionPoint(notificationsSlackBlockKitExtensionPoint, {
      setBlockKitRenderer: renderer => blockKitRenderer.provide(renderer),
    });
    return blockKitRenderer;
  },
  deps: {
    auth: coreServices.auth,
    cache: coreServices.cache,
    catalog: catalogServiceRef,
  },
  readConfig(config, logger) {
    const workspaces = readSlackConfig(config, logger);
    return workspaces.length > 0 ? workspaces : undefined;
  },
  offMessage: 'No Slack workspace configured, Slack delivery is off',
  async init({ auth, cache, catalog }, context) {
    const { config, logger, channelConfig: workspaces } = context;
    const log = new SlackDeliveryLog(context.knex);
    await context.scheduleRecordCleanup(log, 'Slack delivery record(s)');

    const sendBudgetMs = context.postProcess.budgetMs;
    context.processing.addProcessor(
      new SlackNotificationProcessor({
        logger,
        log,
        clients: workspaces.map(
          w => new SlackWorkspaceClient(w, logger, sendBudgetMs),
        ),
        targets: new SlackTargetResolver({ catalog, auth, cache }),
        appBaseUrl: config.getString('app.baseUrl'),
        renderer: () => context.extensions.get(),
        sendBudgetMs,
      }),
    );
  },
});
