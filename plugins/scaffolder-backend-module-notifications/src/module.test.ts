import {
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { closingDatabaseServiceFactory } from '@herald/notifications-test-utils';
import { notificationService } from '@herald/plugin-notifications-node';
import { scaffolderModuleNotifications } from './module';

describe('scaffolderModuleNotifications', () => {
  it('adds notification:send to the scaffolder, sending through the notification service', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    const send = jest.fn().mockResolvedValue(undefined);
    const scaffolder = createBackendPlugin({
      pluginId: 'scaffolder',
      register(env) {
        env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
          addActions(...added) {
            actions.push(...added);
          },
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });

    await startTestBackend({
      features: [
        scaffolder,
        scaffolderModuleNotifications,
        closingDatabaseServiceFactory,
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
      ],
    });

    expect(actions.map(action => action.id)).toEqual(['notification:send']);
    await actions[0].handler({
      input: { recipients: 'broadcast', title: 'Hello' },
      checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
    } as any);
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      payload: expect.objectContaining({ title: 'Hello' }),
    });
  });
});
