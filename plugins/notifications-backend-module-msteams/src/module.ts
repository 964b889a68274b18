import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  notificationsProcessingExtensionPoint,
  readPostProcessBudgetMs,
  readPostProcessTimeoutMs,
  scheduleDeliveryRecordCleanup,
} from '@herald/plugin-notifications-node';
import { readTeamsConfig } from './config';
import { TeamsDeliveryLog } from './deliveryLog';
import { TeamsProcessor } from './processor';
import { TeamsTargets } from './targets';

/**
 * Posts notifications to Microsoft Teams channels as Adaptive Cards through
 * Power Automate Workflows webhooks, as the `Microsoft Teams` processor.
 * @public
 */
export const notificationsModuleMsTeams = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'msteams',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        processing: notificationsProcessingExtensionPoint,
      },
      async init({
        config,
        logger,
        auth,
        database,
        scheduler,
        catalog,
        processing,
      }) {
        const teamsConfig = readTeamsConfig(config);
        if (!teamsConfig) {
          logger.info(
            'No Teams route with a webhook URL and entity webhooks off; the Teams processor is not registered',
          );
          return;
        }
        const log = await TeamsDeliveryLog.create(database);
        await scheduleDeliveryRecordCleanup({
          scheduler,
          logger,
          id: 'notifications-msteams-delivery-cleanup',
          what: 'Teams delivery record(s)',
          deleteOlderThan: ageMs => log.deleteOlderThan(ageMs),
        });
        processing.addProcessor(
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
              readPostProcessBudgetMs(config),
            ),
            leaseMs: readPostProcessTimeoutMs(config),
          }),
        );
      },
    });
  },
});
