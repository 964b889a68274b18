import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readPostProcessTimeoutMs } from '@herald/plugin-notifications-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationsProcessingExtensionPoint } from '@herald/plugin-notifications-node';
import { EmailAddressPolicy } from './addresses';
import { readEmailProcessorConfig } from './config';
import {
  NotificationTemplateRenderer,
  notificationsEmailTemplateExtensionPoint,
} from './extensions';
import { EmailProcessor } from './processor';
import { createSendPacer } from './sendPacer';
import { SentEmailLog } from './SentEmailLog';
import { EmailRecipientLookup } from './recipients';
import { DefaultEmailTemplate, EmailRenderer } from './template';
import { createEmailTransport, sesMessageOptions } from './transport';

/** Retries end long before this; the records only need to outlive them. */
const SENT_LOG_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
function readSendBudgetMs(config: Config): number {
  return readPostProcessTimeoutMs(config) / 2;
}

/**
 * Emails notifications through nodemailer as the `Email` processor.
 * @public
 */
export const notificationsModuleEmail = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'email',
  register(reg) {
    let templateRenderer: NotificationTemplateRenderer | undefined;
    reg.registerExtensionPoint(notificationsEmailTemplateExtensionPoint, {
      setTemplateRenderer(renderer) {
        if (templateRenderer) {
          throw new Error('Email template renderer was already registered');
        }
        templateRenderer = renderer;
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
        const emailConfig = readEmailProcessorConfig(config);
        const transporter = await createEmailTransport(
          config,
          emailConfig.transportConfig,
        );
        const sentLog = await SentEmailLog.create(database);

        await scheduler.scheduleTask({
          // The id predates the log's name; a new id would orphan the old task.
          id: 'notifications-email-delivery-cleanup',
          frequency: { hours: 24 },
          timeout: { minutes: 15 },
          initialDelay: { hours: 1 },
          scope: 'global',
          fn: async () => {
            const deleted = await sentLog.deleteOlderThan(
              SENT_LOG_RETENTION_MS,
            );
            logger.info(`Removed ${deleted} old sent-email record(s)`);
          },
        });

        processing.addProcessor(
          new EmailProcessor({
            logger,
            transporter,
            sentLog,
            recipients: new EmailRecipientLookup({
              catalog,
              auth,
              cache,
              cacheTtlMs: emailConfig.cache.ttlMs,
              broadcast: emailConfig.broadcastConfig,
            }),
            addressPolicy: new EmailAddressPolicy(emailConfig),
            renderer: new EmailRenderer(
              new DefaultEmailTemplate(config.getString('app.baseUrl')),
              templateRenderer,
            ),
            awaitSendSlot: createSendPacer({
              limit: emailConfig.concurrencyLimit,
              intervalMs: emailConfig.throttleIntervalMs,
            }),
            filters: emailConfig.filter,
            sender: emailConfig.sender,
            replyTo: emailConfig.replyTo,
            sesOptions: sesMessageOptions(emailConfig),
            sendBudgetMs: readSendBudgetMs(config),
          }),
        );
      },
    });
  },
});
