import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { notificationService } from '@herald/plugin-notifications-node';
import { createSendNotificationAction } from './actions/sendNotification';

/**
 * Adds the `notification:send` action to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleNotifications = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'notifications',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        notifications: notificationService,
      },
      async init({ scaffolder, notifications }) {
        scaffolder.addActions(createSendNotificationAction({ notifications }));
      },
    });
  },
});
