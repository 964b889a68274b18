import {
  ChannelSetting,
  NotificationSettings,
  OriginSetting,
  WEB_NOTIFICATION_CHANNEL,
} from '@herald/plugin-notifications-common';
import { StoredSetting } from './SettingsStore';

function sameId(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/** `Web`, then every processor's name, then channels known only from defaults. */
export function listChannels(
  processorNames: string[],
  defaults: NotificationSettings,
): string[] {
  const channels: string[] = [];
  for (const id of [
    WEB_NOTIFICATION_CHANNEL,
    ...processorNames,
    ...defaults.channels.map(channel => channel.id),
  ]) {
    if (!channels.some(existing => sameId(existing, id))) {
      channels.push(id);
    }
  }
  return channels;
}

export type OriginTopics = { origin: string; topics: string[] };

/**
 * The origins (each with its topics) a user's settings show: what the user
 * received, what the defaults mention, and what the user saved (so a saved
 * switch stays visible after its notifications expire), without
 * case-insensitive duplicates.
 */
export function listOrigins(
  received: Array<{ origin: string; topic: string | null }>,
  defaults: NotificationSettings,
  stored: StoredSetting[],
): OriginTopics[] {
  const origins: OriginTopics[] = [];
  const add = (origin: string, topic?: string | null) => {
    let entry = origins.find(existing => sameId(existing.origin, origin));
    if (!entry) {
      entry = { origin, topics: [] };
      origins.push(entry);
    }
    if (topic && !entry.topics.includes(topic)) {
      entry.topics.push(topic);
    }
  };
  for (const row of received) {
    add(row.origin, row.topic);
  }
  for (const channel of defaults.channels) {
    for (const origin of channel.origins ?? []) {
      add(origin.id);
      for (const topic of origin.topics ?? []) {
        add(origin.id, topic.id);
      }
    }
  }
  for (const row of stored) {
    add(row.origin, row.topic);
  }
  return origins;
}

/**
 * The effective settings of one channel. An origin takes the user's stored
 * switch, else the configured default, else the channel's default (`enabled:
 * false` makes a channel opt-in), else on. An origin the user saved only
 * topics for counts as on. A topic takes its stored switch, else its
 * configured default, else follows its origin. The same rules decide delivery,
 * so what users see in their settings is what they get.
 */
export function effectiveChannel(
  channelId: string,
  origins: OriginTopics[],
  stored: StoredSetting[],
  defaults: NotificationSettings,
): ChannelSetting {
  const channelDefault = defaults.channels.find(c => sameId(c.id, channelId));
  const channelEnabled = channelDefault?.enabled;
  const ownRows = stored.filter(row => row.channel === channelId);

  const effectiveOrigins: OriginSetting[] = origins.map(
    ({ origin, topics }) => {
      const originRows = ownRows.filter(row => sameId(row.origin, origin));
      const storedOrigin = originRows.find(row => row.topic === null);
      const storedTopics = originRows.filter(row => row.topic !== null);
      const originDefault = channelDefault?.origins?.find(o =>
        sameId(o.id, origin),
      );
      let enabled: boolean;
      if (storedOrigin) {
        enabled = storedOrigin.enabled;
      } else if (storedTopics.length > 0) {
        enabled = true;
      } else {
        enabled = originDefault?.enabled ?? channelEnabled ?? true;
      }
      return {
        id: origin,
        enabled,
        topics: topics.map(topic => ({
          id: topic,
          enabled:
            storedTopics.find(row => row.topic === topic)?.enabled ??
            originDefault?.topics?.find(t => t.id === topic)?.enabled ??
            enabled,
        })),
      };
    },
  );

  const channel: ChannelSetting = { id: channelId, origins: effectiveOrigins };
  if (channelEnabled !== undefined) {
    channel.enabled = channelEnabled;
  }
  return channel;
}

/** Whether one channel delivers a notification of (origin, topic) to a user. */
export function isChannelEnabled(
  channelId: string,
  origin: string,
  topic: string | undefined,
  stored: StoredSetting[],
  defaults: NotificationSettings,
): boolean {
  const [effectiveOrigin] = effectiveChannel(
    channelId,
    [{ origin, topics: topic ? [topic] : [] }],
    stored,
    defaults,
  ).origins;
  return effectiveOrigin.topics?.[0]?.enabled ?? effectiveOrigin.enabled;
}
