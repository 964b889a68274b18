import {
  ChannelSetting,
  NotificationSettings,
  OriginSetting,
} from '@herald/plugin-notifications-common';

export type OriginRow = { id: string; topics: string[] };

/**
 * One row per origin id across all channels, with the topics of its first
 * occurrence, in the order the server lists them.
 */
export function collectOrigins(settings: NotificationSettings): OriginRow[] {
  const rows = new Map<string, OriginRow>();
  for (const channel of settings.channels) {
    for (const origin of channel.origins) {
      if (!rows.has(origin.id)) {
        rows.set(origin.id, {
          id: origin.id,
          topics: (origin.topics ?? []).map(t => t.id),
        });
      }
    }
  }
  return [...rows.values()];
}

/**
 * The settings with the origin `originId` of channel `channelId` replaced by
 * what `update` makes of it, or added when the channel does not list it.
 */
function updateOrigin(
  settings: NotificationSettings,
  channelId: string,
  originId: string,
  update: (
    existing: OriginSetting | undefined,
    channel: ChannelSetting,
  ) => OriginSetting,
): NotificationSettings {
  return {
    channels: settings.channels.map(channel => {
      if (channel.id !== channelId) {
        return channel;
      }
      const existing = channel.origins.find(o => o.id === originId);
      const origin = update(existing, channel);
      return {
        ...channel,
        origins: existing
          ? channel.origins.map(o => (o.id === originId ? origin : o))
          : [...channel.origins, origin],
      };
    }),
  };
}

/** Turning an origin on or off does the same to every topic under it. */
export function setOriginEnabled(
  settings: NotificationSettings,
  channelId: string,
  originId: string,
  enabled: boolean,
): NotificationSettings {
  return updateOrigin(settings, channelId, originId, existing => ({
    id: originId,
    enabled,
    topics: existing?.topics?.map(topic => ({ ...topic, enabled })),
  }));
}

/** A topic can only be on while its origin is on. */
export function setTopicEnabled(
  settings: NotificationSettings,
  channelId: string,
  originId: string,
  topicId: string,
  enabled: boolean,
): NotificationSettings {
  return updateOrigin(settings, channelId, originId, (existing, channel) => {
    const originEnabled = existing?.enabled ?? channel.enabled ?? true;
    const topicValue = originEnabled ? enabled : false;
    const topics = existing?.topics ?? [];
    const nextTopics = topics.some(t => t.id === topicId)
      ? topics.map(t => (t.id === topicId ? { ...t, enabled: topicValue } : t))
      : [...topics, { id: topicId, enabled: topicValue }];
    return { id: originId, enabled: originEnabled, topics: nextTopics };
  });
}

/** "plugin:my-thing" → "Plugin my thing", unless the app names it. */
export function displayName(id: string, names?: Record<string, string>) {
  if (names?.[id]) {
    return names[id];
  }
  const spaced = id.replace(/[-_:]/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}
