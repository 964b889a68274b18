import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { readSlackConfig } from './config';
import { SlackNotificationProcessor, SlackProcessorOptions } from './processor';

/** A processor over the workspaces of `slack`; only its filters are read. */
function processorFor(slack: JsonValue) {
  const workspaces = readSlackConfig(
    new ConfigReader({ notifications: { processors: { slack } } }),
  );
  return new SlackNotificationProcessor({
    clients: workspaces.map(workspace => ({ workspace })),
  } as unknown as SlackProcessorOptions);
}

describe('SlackNotificationProcessor', () => {
  it('declines broadcasts only when no workspace has a channel for them', () => {
    expect(
      processorFor([{ token: 'xoxb-1' }]).getNotificationFilters(),
    ).toEqual({ broadcasts: false });
    expect(
      processorFor([
        { token: 'xoxb-1' },
        { token: 'xoxb-2', broadcastChannels: ['general'] },
      ]).getNotificationFilters(),
    ).toEqual({});
  });
});
