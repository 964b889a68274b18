import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { notificationService } from '@herald/plugin-notifications-node';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import { createRouter } from './router';
import { seedTodos } from './seedTodos';
import { TodoActions } from './todoActions';
import { InMemoryTodoStore } from './todoStore';

/**
 * Serves `/api/example-todo`. Depends on the notification service to tell a
 * todo's owner when it is completed, and on the signals service to update
 * every open example page live.
 *
 * @public
 */
export const exampleTodoPlugin = createBackendPlugin({
  pluginId: 'example-todo',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init({ httpRouter, httpAuth, logger, notifications, signals }) {
        const actions = new TodoActions(
          new InMemoryTodoStore(seedTodos),
          notifications,
          signals,
          logger,
        );
        httpRouter.use(createRouter({ actions, httpAuth }));
      },
    });
  },
});
