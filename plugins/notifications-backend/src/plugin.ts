import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  NotificationProcessor,
  NotificationRecipientResolver,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { notificationPermissions } from '@herald/plugin-notifications-common';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import {
  registerGetNotificationsAction,
  registerSendNotificationAction,
} from './actions';
import { readNotificationsConfig } from './config';
import { NotificationSender } from './send/NotificationSender';
import { OutboxStore, OutboxWorker } from './outbox';
import {
  IdempotencyKeyStore,
  IdempotentRequests,
  scheduleIdempotencyKeyCleanup,
} from './idempotency';
import { NotificationProcessors } from './processing';
import { CatalogRecipientResolver } from './recipients';
import { RetentionStore, scheduleRetention } from './retention';
import { NotificationSignals } from './signals/NotificationSignals';
import { SnoozeStore, scheduleSnoozeWake } from './snooze';
import { scheduleCountFolding } from './counts';
import { DefaultNotificationSettingsService, SettingsStore } from './settings';
import { createRouter } from './service/router';
import { connectToDatabase } from './store/migrations';
import { NotificationWriter } from './store/NotificationWriter';
import { NotificationsStore } from './store/NotificationsStore';
import { hasSearchTexts } from './store/searchCondition';

/**
 * The notifications backend: REST API under `/api/notifications`, storage
 * and delivery.
 *
 * @public
 */
export const notificationsPlugin = createBackendPlugin({
  pluginId: 'notifications',
  register(env) {
    const processors: NotificationProcessor[] = [];
    let recipientResolver: NotificationRecipientResolver | undefined;

    env.registerExtensionPoint(notificationsProcessingExtensionPoint, {
      addProcessor(...added) {
        processors.push(...added.flat());
      },
      setNotificationRecipientResolver(resolver) {
        if (recipientResolver) {
          throw new Error(
            'Notification recipient resolver is already set. You can only set it once.',
          );
        }
        recipientResolver = resolver;
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        database: coreServices.database,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        auth,
        httpAuth,
        userInfo,
        httpRouter,
        logger,
        database,
        config,
        scheduler,
        catalog,
        signals,
        lifecycle,
        actionsRegistry,
        permissions,
        permissionsRegistry,
      }) {
        const notificationsConfig = readNotificationsConfig(config);
        const knex = await connectToDatabase(database);
        const store = new NotificationsStore(knex, {
          preparedStatements: notificationsConfig.preparedStatements,
        });

        const processorRunner = new NotificationProcessors(
          () => processors,
          logger,
          notificationsConfig.processorTimeoutMs,
        );
        const settings = new DefaultNotificationSettingsService(
          new SettingsStore(knex),
          () => processorRunner.names(),
          notificationsConfig.defaultSettings,
        );
        const outbox = new OutboxStore(knex);
        const outboxWorker = new OutboxWorker(
          outbox,
          () => processors,
          notificationsConfig.outbox,
          logger,
        );
        lifecycle.addStartupHook(() => outboxWorker.start());
        lifecycle.addShutdownHook(() => outboxWorker.stop());

        const idempotencyKeys = new IdempotencyKeyStore(knex);
        const idempotentSends = new IdempotentRequests(idempotencyKeys);
        const sender = new NotificationSender({
          knex,
          writer: new NotificationWriter({
            searchTexts: hasSearchTexts(knex),
          }),
          signals,
          recipientResolver:
            recipientResolver ?? new CatalogRecipientResolver(catalog, auth),
          appBaseUrl: notificationsConfig.appBaseUrl,
          logger,
          processors: processorRunner,
          settings,
          outbox,
          wakeOutbox: () => outboxWorker.wake(),
        });

        httpRouter.use(
          await createRouter({
            store,
            sender,
            httpAuth,
            userInfo,
            signals,
            logger,
            settings,
            outbox,
            maxSendBodySize: notificationsConfig.maxRequestBodySize,
            idempotency: idempotentSends,
          }),
        );
        await scheduleRetention({
          retentionMs: notificationsConfig.retentionMs,
          scheduler,
          store: new RetentionStore(knex),
          logger,
        });
        await scheduleIdempotencyKeyCleanup({
          scheduler,
          store: idempotencyKeys,
          logger,
        });
        await scheduleCountFolding({ knex, scheduler });
        await scheduleSnoozeWake({
          scheduler,
          snoozes: new SnoozeStore(knex),
          store,
          signals: new NotificationSignals({ signals, logger }),
          logger,
        });
        registerGetNotificationsAction({ actionsRegistry, store, auth });
        permissionsRegistry.addPermissions(notificationPermissions);
        registerSendNotificationAction({
          actionsRegistry,
          sender,
          auth,
          permissions,
          permissionFrameworkEnabled:
            config.getOptionalBoolean('permission.enabled') ?? false,
        });
      },
    });
  },
});
