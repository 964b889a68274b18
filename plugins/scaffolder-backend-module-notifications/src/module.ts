import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { notificationService } from '@herald/plugin-notifications-node';
import { createSendNotificationAction } from './actions/sendNotification';
import {
  SCAFFOLDER_TASK_TOPIC,
  TaskCompletionNotifier,
} from './taskCompletion/TaskCompletionNotifier';
import { TaskCompletionStore } from './taskCompletion/TaskCompletionStore';
import { readTaskCompletionConfig } from './taskCompletion/config';

/**
 * Adds the `notification:send` action to the scaffolder, and tells the user
 * who started a task when it completes, fails or is cancelled.
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
        config: coreServices.rootConfig,
        database: coreServices.database,
        events: eventsServiceRef,
        logger: coreServices.logger,
      },
      async init({
        scaffolder,
        notifications,
        config,
        database,
        events,
        logger,
      }) {
        scaffolder.addActions(createSendNotificationAction({ notifications }));

        const taskCompletion = readTaskCompletionConfig(config);
        if (!taskCompletion.enabled) {
          return;
        }
        const notifier = new TaskCompletionNotifier({
          store: await TaskCompletionStore.create(database),
          notifications,
          logger,
          optOutTag: taskCompletion.optOutTag,
        });
        await events.subscribe({
          id: 'herald-task-completion-notifications',
          topics: [SCAFFOLDER_TASK_TOPIC],
          onEvent: notifier.onEvent,
        });
      },
    });
  },
});
