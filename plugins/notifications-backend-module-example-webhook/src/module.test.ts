import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { processorCollectingPlugin } from '@herald/notifications-test-utils';
import { NotificationProcessor } from '@herald/plugin-notifications-node';
import { ExampleWebhookProcessor } from './ExampleWebhookProcessor';
import { notificationsModuleExampleWebhook } from './module';

async function start(config: object): Promise<NotificationProcessor[]> {
  const collector = processorCollectingPlugin();
  await startTestBackend({
    features: [
      collector.plugin,
      notificationsModuleExampleWebhook,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return collector.processors;
}

describe('notificationsModuleExampleWebhook', () => {
  it('registers the processor when a webhook URL is configured', async () => {
    const processors = await start({
      notifications: {
        processors: {
          exampleWebhook: { url: 'http://127.0.0.1:9/notifications' },
        },
      },
    });

    expect(processors).toHaveLength(1);
    expect(processors[0]).toBeInstanceOf(ExampleWebhookProcessor);
    expect(processors[0].getName()).toBe('example-webhook');
  });

  it('registers nothing without a URL', async () => {
    await expect(start({})).resolves.toEqual([]);
  });

  it('refuses to start with a URL that is not http(s)', async () => {
    await expect(
      start({
        notifications: {
          processors: { exampleWebhook: { url: 'ftp://127.0.0.1/hook' } },
        },
      }),
    ).rejects.toThrow(/must be an http\(s\) URL/);
  });
});
