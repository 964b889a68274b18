import { JsonObject } from '@backstage/types';
import { startNotificationsTestBackend } from '@herald/notifications-test-utils';
import { notificationsModuleSlack } from './module';
import { UPSTREAM_BROADCAST_EXAMPLE } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('notificationsModuleSlack', () => {
  /** The channels of the real backend's settings service. */
  async function channelsWith(notifications: JsonObject) {
    const backend = await startNotificationsTestBackend({
      modules: [notificationsModuleSlack],
      notifications,
    });
    try {
      return await backend.settingsChannels('alice');
    } finally {
      await backend.stop();
    }
  }

  it("starts with upstream's documented broadcast routing config unchanged and shows Slack in the settings", async () => {
    await expect(channelsWith(UPSTREAM_BROADCAST_EXAMPLE)).resolves.toEqual([
      'Web',
      'SlackNotificationProcessor',
    ]);
  });

  it('stays off without config or without a token', async () => {
    await expect(channelsWith({})).resolves.toEqual(['Web']);
    await expect(
      channelsWith({ processors: { slack: [{ broadcastChannels: ['x'] }] } }),
    ).resolves.toEqual(['Web']);
  });
});
