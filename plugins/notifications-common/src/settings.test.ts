import { isNotificationsEnabledFor } from './settings';
import { NotificationSettings } from './types';

const settings: NotificationSettings = {
  channels: [
    {
      id: 'Web',
      origins: [
        {
          id: 'plugin:catalog',
          enabled: true,
          topics: [{ id: 'noisy', enabled: false }],
        },
        { id: 'plugin:scaffolder', enabled: false },
      ],
    },
    { id: 'Email', enabled: false, origins: [] },
  ],
};

describe('isNotificationsEnabledFor', () => {
  it.each([
    // Channels without settings are enabled.
    ['Slack', 'plugin:catalog', null, true],
    // Unknown origins follow the channel: enabled unless the channel is opt-in.
    ['Web', 'external:ci', null, true],
    ['Email', 'external:ci', null, false],
    // The origin setting applies, and a topic setting over it.
    ['Web', 'plugin:scaffolder', null, false],
    ['Web', 'plugin:catalog', 'noisy', false],
    ['Web', 'plugin:catalog', 'other', true],
    ['Web', 'plugin:catalog', null, true],
    // Ids match exactly.
    ['web', 'plugin:scaffolder', null, true],
    ['Web', 'Plugin:Scaffolder', null, true],
  ] as const)(
    'channel %s, origin %s, topic %s: %s',
    (channel, origin, topic, enabled) => {
      expect(isNotificationsEnabledFor(settings, channel, origin, topic)).toBe(
        enabled,
      );
    },
  );
});
