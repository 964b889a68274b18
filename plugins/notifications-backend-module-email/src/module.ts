import { coreServices } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  createChannelModule,
  ExtensionSlot,
} from '@herald/plugin-notifications-node';
import { EmailAddressPolicy } from './addresses';
import { readEmailProcessorConfig } from './config';
import { DigestChoices } from './DigestChoices';
import { DigestQueue } from './DigestQueue';
import { DigestSender } from './DigestSender';
import { EmailDigests } from './EmailDigests';
import { EMAIL_MIGRATIONS } from './migrations';
import { createEmailRouter } from './router';
import {
  NotificationTemplateRenderer,
  notificationsEmailTemplateExtensionPoint,
} from './extensions';
import { Mailer } from './mailer';
import { EmailProcessor } from './processor';
import { createSendPacer } from './sendPacer';
import { SentEmailLog } from './SentEmailLog';
import { EmailRecipientLookup } from './recipients';
import { DefaultEmailTemplate, EmailRenderer } from './template';
import { createEmailTransport, sesMessageOptions } from './transport';

/**
 * Emails notifications through nodemailer as the `Email` processor.
 * @public
 */
export const notificationsModuleEmail = createChannelModule({
  moduleId: 'email',
  migrations: EMAIL_MIGRATIONS,
  registerExtensionPoints(reg) {
    const templateRenderer = new ExtensionSlot<NotificationTemplateRenderer>(
      'Email template renderer',
    );
    reg.registerExtensionPoint(notificationsEmailTemplateExtensionPoint, {
      setTemplateRenderer: renderer => templateRenderer.provide(renderer),
    });
    return templateRenderer;
  },
  deps: {
    auth: coreServices.auth,
    cache: coreServices.cache,
    httpAuth: coreServices.httpAuth,
    httpRouter: coreServices.httpRouter,
    catalog: catalogServiceRef,
  },
  readConfig: readEmailProcessorConfig,
  async init({ auth, cache, httpAuth, httpRouter, catalog }, context) {
    const { config, logger, knex, channelConfig: emailConfig } = context;
    const transporter = await createEmailTransport(
      config,
      emailConfig.transportConfig,
    );
    const sentLog = new SentEmailLog(knex);
    const baseUrl = config.getString('app.baseUrl');
    const choices = new DigestChoices(knex, emailConfig.digest);
    const digestQueue = new DigestQueue(knex);
    const mailer = new Mailer({
      transporter,
      sender: emailConfig.sender,
      replyTo: emailConfig.replyTo,
      sesOptions: sesMessageOptions(emailConfig),
      awaitSendSlot: createSendPacer({
        limit: emailConfig.concurrencyLimit,
        intervalMs: emailConfig.throttleIntervalMs,
      }),
    });
    const digestSender = new DigestSender({
      queue: digestQueue,
      mailer,
      logger,
    });

    await context.scheduleRecordCleanup(
      {
        deleteOlderThan: async ageMs =>
          (await sentLog.deleteOlderThan(ageMs)) +
          (await digestQueue.deleteSentOlderThan(ageMs)),
      },
      'sent-email record(s) and sent digest item(s)',
    );

    // Global, so one replica sends at a time; the claims in the queue
    // keep an overlapping run from sending a digest twice anyway.
    await context.scheduler.scheduleTask({
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

    context.processing.addProcessor(
      new EmailProcessor({
        logger,
        mailer,
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
          context.extensions.get(),
        ),
        filters: emailConfig.filter,
        sendBudgetMs: context.postProcess.budgetMs,
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
