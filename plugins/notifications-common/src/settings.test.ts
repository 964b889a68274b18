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
  it('enables channels without settings', () => {
    expect(
      isNotificationsEnabledFor(settings, 'Slack', 'plugin:catalog', null),
    ).toBe(true);
  });

  it('follows the channel for unknown origins: enabled unless opt-in', () => {
    expect(
      isNotificationsEnabledFor(settings, 'Web', 'external:ci', null),
    ).toBe(true);
    expect(
      isNotificationsEnabledFor(settings, 'Email', 'external:ci', null),
    ).toBe(false);
  });

  it('uses the origin setting, and a topic setting over it', () => {
    expect(
      isNotificationsEnabledFor(settings, 'Web', 'plugin:scaffolder', null),
    ).toBe(false);
    expect(
      isNotificationsEnabledFor(settings, 'Web', 'plugin:catalog', 'noisy'),
    ).toBe(false);
    expect(
      isNotificationsEnabledFor(settings, 'Web', 'plugin:catalog', 'other'),
    ).toBe(true);
    expect(
      isNotificationsEnabledFor(settings, 'Web', 'plugin:catalog', null),
    ).toBe(true);
  });

  it('matches ids exactly', () => {
    expect(
      isNotificationsEnabledFor(settings, 'web', 'plugin:scaffolder', null),
    ).toBe(true);
    expect(
      isNotificationsEnabledFor(settings, 'Web', 'Plugin:Scaffolder', null),
    ).toBe(true);
  });
});
