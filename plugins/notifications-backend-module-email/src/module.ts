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
import { DigestChoices } from './DigestChoices';
import { DigestQueue } from './DigestQueue';
import { DigestSender } from './DigestSender';
import { EmailDigests } from './EmailDigests';
import { emailDatabase } from './migrations';
import { createEmailRouter } from './router';
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
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
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
        httpAuth,
        httpRouter,
        catalog,
        processing,
      }) {
        const emailConfig = readEmailProcessorConfig(config);
        const transporter = await createEmailTransport(
          config,
          emailConfig.transportConfig,
        );
        const sentLog = await SentEmailLog.create(database);
        const knex = await emailDatabase(database);
        const baseUrl = config.getString('app.baseUrl');
        const choices = new DigestChoices(knex, emailConfig.digest);
        const digestQueue = new DigestQueue(knex);
        const awaitSendSlot = createSendPacer({
          limit: emailConfig.concurrencyLimit,
          intervalMs: emailConfig.throttleIntervalMs,
        });
        const sesOptions = sesMessageOptions(emailConfig);
        const digestSender = new DigestSender({
          queue: digestQueue,
          transporter,
          logger,
          sender: emailConfig.sender,
          replyTo: emailConfig.replyTo,
          sesOptions,
          awaitSendSlot,
        });

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
            const digested = await digestQueue.deleteSentOlderThan(
              SENT_LOG_RETENTION_MS,
            );
            logger.info(
              `Removed ${deleted} old sent-email record(s) and ${digested} sent digest item(s)`,
            );
          },
        });

        // Global, so one replica sends at a time; the claims in the queue
        // keep an overlapping run from sending a digest twice anyway.
        await scheduler.scheduleTask({
          id: 'notifications-email-digest',
          frequency: { milliseconds: emailConfig.digest.checkIntervalMs },
          timeout: { minutes: 30 },
          scope: 'global',
          fn: async () => {
            const sent = await digestSender.sendDue();
            if (sent > 0) {
              logger.info(`Emailed ${sent} digest(s)`);
            }
          },
        });

        httpRouter.use(
          createEmailRouter({
            httpAuth,
            choices,
            defaultFrequency: emailConfig.digest.defaultFrequency,
            logger,
          }),
        );

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
              new DefaultEmailTemplate(baseUrl),
              templateRenderer,
            ),
            awaitSendSlot,
            filters: emailConfig.filter,
            sender: emailConfig.sender,
            replyTo: emailConfig.replyTo,
            sesOptions,
            sendBudgetMs: readSendBudgetMs(config),
            digests: new EmailDigests({
              choices,
              queue: digestQueue,
              dailyHourUtc: emailConfig.digest.dailyHourUtc,
              baseUrl,
            }),
          }),
        );
      },
    });
  },
});
