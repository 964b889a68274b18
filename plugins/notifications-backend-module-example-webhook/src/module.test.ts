import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  NotificationProcessor,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { ExampleWebhookProcessor } from './ExampleWebhookProcessor';
import { notificationsModuleExampleWebhook } from './module';

// Provides the extension point the way the notifications backend does, so
// the module's registration can be observed on its own.
function recordingNotificationsPlugin(processors: NotificationProcessor[]) {
  return createBackendPlugin({
    pluginId: 'notifications',
    register(env) {
      env.registerExtensionPoint(notificationsProcessingExtensionPoint, {
        addProcessor(...added) {
          processors.push(...added.flat());
        },
        setNotificationRecipientResolver() {},
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

function start(config: object, processors: NotificationProcessor[]) {
  return startTestBackend({
    features: [
      recordingNotificationsPlugin(processors),
      notificationsModuleExampleWebhook,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
}

describe('notificationsModuleExampleWebhook', () => {
  it('registers the processor when a webhook URL is configured', async () => {
    const processors: NotificationProcessor[] = [];

    await start(
      {
        notifications: {
          processors: {
            exampleWebhook: { url: 'http://127.0.0.1:9/notifications' },
          },
        },
      },
      processors,
    );

    expect(processors).toHaveLength(1);
    expect(processors[0]).toBeInstanceOf(ExampleWebhookProcessor);
    expect(processors[0].getName()).toBe('example-webhook');
  });

  it('registers nothing without a URL', async () => {
    const processors: NotificationProcessor[] = [];

    await start({}, processors);

    expect(processors).toEqual([]);
  });

  it('refuses to start with a URL that is not http(s)', async () => {
    await expect(
      start(
        {
          notifications: {
            processors: { exampleWebhook: { url: 'ftp://127.0.0.1/hook' } },
          },
        },
        [],
      ),
    ).rejects.toThrow(/must be an http\(s\) URL/);
  });
});
