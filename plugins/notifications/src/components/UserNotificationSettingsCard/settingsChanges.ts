import {
  ChannelSetting,
  NotificationSettings,
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

function updateChannel(
  settings: NotificationSettings,
  channelId: string,
  update: (channel: ChannelSetting) => ChannelSetting,
): NotificationSettings {
  return {
    channels: settings.channels.map(channel =>
      channel.id === channelId ? update(channel) : channel,
    ),
  };
}

/** Turning an origin on or off does the same to every topic under it. */
export function setOriginEnabled(
  settings: NotificationSettings,
  channelId: string,
  originId: string,
  enabled: boolean,
): NotificationSettings {
  return updateChannel(settings, channelId, channel => {
    const existing = channel.origins.find(o => o.id === originId);
    const origin = {
      id: originId,
      enabled,
      topics: existing?.topics?.map(topic => ({ ...topic, enabled })),
    };
    return {
      ...channel,
      origins: existing
        ? channel.origins.map(o => (o.id === originId ? origin : o))
        : [...channel.origins, origin],
    };
  });
}

/** A topic can only be on while its origin is on. */
export function setTopicEnabled(
  settings: NotificationSettings,
  channelId: string,
  originId: string,
  topicId: string,
  enabled: boolean,
): NotificationSettings {
  return updateChannel(settings, channelId, channel => {
    const existing = channel.origins.find(o => o.id === originId);
    const originEnabled = existing?.enabled ?? channel.enabled ?? true;
    const topicValue = originEnabled ? enabled : false;
    const topics = existing?.topics ?? [];
    const nextTopics = topics.some(t => t.id === topicId)
      ? topics.map(t => (t.id === topicId ? { ...t, enabled: topicValue } : t))
      : [...topics, { id: topicId, enabled: topicValue }];
    const origin = { id: originId, enabled: originEnabled, topics: nextTopics };
    return {
      ...channel,
      origins: existing
        ? channel.origins.map(o => (o.id === originId ? origin : o))
        : [...channel.origins, origin],
    };
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
