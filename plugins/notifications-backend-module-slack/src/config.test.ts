import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import {
  broadcastChannelsFor,
  postsBroadcasts,
  readSlackConfig,
} from './config';
import { UPSTREAM_BROADCAST_EXAMPLE } from './__testUtils__/fixtures';

function read(slack: JsonValue) {
  return readSlackConfig(
    new ConfigReader({ notifications: { processors: { slack } } }),
  );
}

describe('readSlackConfig', () => {
  it('is empty without config', () => {
    expect(readSlackConfig(new ConfigReader({}))).toEqual([]);
    expect(read([])).toEqual([]);
  });

  it('skips an entry without a token, as an unset env var leaves it', () => {
    const warn = jest.fn();
    const config = new ConfigReader({
      notifications: { processors: { slack: [{ username: 'x' }] } },
    });
    expect(readSlackConfig(config, { warn })).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'notifications.processors.slack[0] has no token, Slack delivery to it is off',
    );
  });

  it("applies upstream's defaults", () => {
    const [workspace] = read([{ token: 'xoxb-1' }]);
    expect(workspace).toMatchObject({
      token: 'xoxb-1',
      broadcastChannels: [],
      broadcastRoutes: [],
      concurrencyLimit: 10,
      throttleIntervalMs: 60_000,
    });
    expect(workspace.username).toBeUndefined();
    expect(workspace.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('loads the broadcast routing example of the upstream documentation unchanged', () => {
    const [workspace] = readSlackConfig(
      new ConfigReader({ notifications: UPSTREAM_BROADCAST_EXAMPLE }),
    );
    expect(broadcastChannelsFor(workspace, 'plugin:catalog', 'alerts')).toEqual(
      ['catalog-alerts'],
    );
    expect(broadcastChannelsFor(workspace, 'plugin:catalog', 'other')).toEqual([
      'catalog-updates',
    ]);
    expect(broadcastChannelsFor(workspace, 'plugin:x', 'security')).toEqual([
      'security-team',
    ]);
    expect(
      broadcastChannelsFor(workspace, 'external:monitoring', undefined),
    ).toEqual(['ops-team', 'on-call-alerts']);
    expect(broadcastChannelsFor(workspace, 'plugin:x', undefined)).toEqual([
      'general-notifications',
    ]);
  });

  it('prefers origin and topic over origin over topic, whatever the order', () => {
    const [workspace] = read([
      {
        token: 'xoxb-1',
        broadcastRoutes: [
          { topic: 't', channel: 'by-topic' },
          { origin: 'o', channel: 'by-origin' },
          { origin: 'o', topic: 't', channel: 'by-both' },
        ],
      },
    ]);
    expect(broadcastChannelsFor(workspace, 'o', 't')).toEqual(['by-both']);
    expect(broadcastChannelsFor(workspace, 'o', 'u')).toEqual(['by-origin']);
    expect(broadcastChannelsFor(workspace, 'p', 't')).toEqual(['by-topic']);
    expect(broadcastChannelsFor(workspace, 'p', 'u')).toEqual([]);
  });

  it.each([
    [{ token: 'x', concurrencyLimit: 0 }, 'slack[0].concurrencyLimit'],
    [{ token: 'x', throttleInterval: '0s' }, 'slack[0].throttleInterval'],
    [{ token: 'x', broadcastRoutes: [{ channel: 'c' }] }, 'broadcastRoutes[0]'],
    [
      { token: 'x', broadcastRoutes: [{ topic: 't', channel: [] }] },
      'broadcastRoutes[0].channel',
    ],
  ])('names the offending key of %j', (entry, key) => {
    expect(() => read([entry])).toThrow(key);
  });
});

describe('postsBroadcasts', () => {
  it('is true with broadcast channels or routes, false with neither', () => {
    const [none, channels, routes] = read([
      { token: 'xoxb-1' },
      { token: 'xoxb-2', broadcastChannels: ['general'] },
      { token: 'xoxb-3', broadcastRoutes: [{ topic: 't', channel: 'c' }] },
    ]);
    expect(postsBroadcasts(none)).toBe(false);
    expect(postsBroadcasts(channels)).toBe(true);
    expect(postsBroadcasts(routes)).toBe(true);
  });
});
