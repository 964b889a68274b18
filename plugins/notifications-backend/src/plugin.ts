import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  NotificationProcessor,
  NotificationRecipientResolver,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import { readNotificationsBackendConfig } from './config';
import { DeliveryStore } from './delivery/DeliveryStore';
import { NotificationSender } from './delivery/NotificationSender';
import { UserRefRecipientResolver } from './delivery/userRefRecipientResolver';
import { createRouter } from './service/router';
import { connectToDatabase } from './store/migrations';
import { NotificationsStore } from './store/NotificationsStore';

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
      },
      async init({ httpAuth, userInfo, httpRouter, logger, database, config, signals }) {
        const { appBaseUrl } = readNotificationsBackendConfig(config);
        const knex = await connectToDatabase(database);

        const sender = new NotificationSender({
          store: new DeliveryStore(knex),
          signals,
          recipientResolver:
            recipientResolver ?? new UserRefRecipientResolver(),
          appBaseUrl,
          logger,
        });

        httpRouter.use(
          createRouter({
            store: new NotificationsStore(knex),
            sender,
            httpAuth,
            userInfo,
            signals,
            logger,
          }),
        );
      },
    });
  },
});
