import { coreServices } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createChannelModule } from '@herald/plugin-notifications-node';
import { readTeamsConfig } from './config';
import { TeamsDeliveryLog } from './deliveryLog';
import { TeamsProcessor } from './processor';
import { TeamsTargets } from './targets';

/**
 * Posts notifications to Microsoft Teams channels as Adaptive Cards through
 * Power Automate Workflows webhooks, as the `Microsoft Teams` processor.
 * @public
 */
export const notificationsModuleMsTeams = createChannelModule({
  moduleId: 'msteams',
  migrations: {
    packageName: '@herald/plugin-notifications-backend-module-msteams',
    migrationsTable: 'notification_msteams_knex_migrations',
  },
  deps: { auth: coreServices.auth, catalog: catalogServiceRef },
  readConfig: readTeamsConfig,
  offMessage:
    'No Teams route with a webhook URL and entity webhooks off; the Teams processor is not registered',
  async init({ auth, catalog }, context) {
    const { config, logger, channelConfig: teamsConfig } = context;
    const log = new TeamsDeliveryLog(context.knex);
    await context.scheduleRecordCleanup(log, 'Teams delivery record(s)');
    context.processing.addProcessor(
      new TeamsProcessor({
        logger,
        log,
        targets: new TeamsTargets({
          config: teamsConfig,
          catalog,
          auth,
          logger,
        }),
        appBaseUrl: config.getString('app.baseUrl'),
        requestTimeoutMs: Math.min(
          teamsConfig.requestTimeoutMs,
          context.postProcess.budgetMs,
        ),
        leaseMs: context.postProcess.timeoutMs,
      }),
    );
  },
});
