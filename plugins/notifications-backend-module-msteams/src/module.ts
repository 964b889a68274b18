import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readPostProcessTimeoutMs } from '@herald/plugin-notifications-common';
import { notificationsProcessingExtensionPoint } from '@herald/plugin-notifications-node';
import { readTeamsConfig } from './config';
import { TeamsDeliveryLog } from './deliveryLog';
import { TeamsProcessor } from './processor';
import { TeamsTargets } from './targets';

/** Retries end long before this; the records only need to outlive them. */
const DELIVERY_RECORD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

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
        await scheduler.scheduleTask({
          id: 'notifications-msteams-delivery-cleanup',
          frequency: { hours: 24 },
          timeout: { minutes: 15 },
          initialDelay: { hours: 1 },
          scope: 'global',
          fn: async () => {
            const deleted = await log.deleteOlderThan(
              DELIVERY_RECORD_RETENTION_MS,
            );
            logger.info(`Removed ${deleted} old Teams delivery record(s)`);
          },
        });
        const postProcessTimeoutMs = readPostProcessTimeoutMs(config);
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
            // A request ends before the outbox abandons the attempt.
            requestTimeoutMs: Math.min(
              teamsConfig.requestTimeoutMs,
              postProcessTimeoutMs / 2,
            ),
            leaseMs: postProcessTimeoutMs,
          }),
        );
      },
    });
  },
});
