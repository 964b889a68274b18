import { InputError } from '@backstage/errors';
import {
  NotificationSettings,
  WEB_NOTIFICATION_CHANNEL,
} from '@herald/plugin-notifications-common';
import { z } from 'zod';
import {
  effectiveChannel,
  isChannelEnabled,
  listChannels,
  listOrigins,
} from './effectiveSettings';
import { SettingsStore, StoredSetting } from './SettingsStore';
import { NotificationSettingsService } from './types';

const MAX_ID_LENGTH = 255;

const idSchema = z.string().min(1).max(MAX_ID_LENGTH);
const originSchema = z.object({
  id: idSchema,
  enabled: z.boolean(),
  topics: z.array(z.object({ id: idSchema, enabled: z.boolean() })).optional(),
});
const channelSchema = z.object({
  id: idSchema,
  enabled: z.boolean().optional(),
  origins: z.array(originSchema),
});
const settingsSchema = z.object({ channels: z.array(channelSchema) });

/** In config, a channel may leave out its origins and the block its channels. */
const defaultSettingsSchema = z.object({
  channels: z
    .array(
      channelSchema.extend({
        origins: channelSchema.shape.origins.default([]),
      }),
    )
    .default([]),
});

/**
 * The `notifications.defaultSettings` block as read from config, checked:
 * startup fails on a malformed block.
 */
export function parseDefaultSettings(raw: unknown): NotificationSettings {
  if (raw === undefined) {
    return { channels: [] };
  }
  const parsed = defaultSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid notifications.defaultSettings: ${parsed.error.issues
        .map(issue => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/** Answers "does channel C deliver this send to user U" for every recipient. */
export interface RecipientChannels {
  isEnabled(user: string, channel: string): boolean;
}

export class DefaultNotificationSettingsService
  implements NotificationSettingsService
{
  constructor(
    private readonly store: SettingsStore,
    private readonly processorNames: () => string[],
    private readonly defaults: NotificationSettings,
  ) {}

  async getSettings(user: string): Promise<NotificationSettings> {
    const [stored, received] = await Promise.all([
      this.store.getUserSettings(user),
      this.store.getReceivedTopics(user),
    ]);
    const origins = listOrigins(received, this.defaults, stored);
    return {
      channels: listChannels(this.processorNames(), this.defaults).map(
        channel => effectiveChannel(channel, origins, stored, this.defaults),
      ),
    };
  }

  async saveSettings(
    user: string,
    body: unknown,
  ): Promise<NotificationSettings> {
    const parsed = settingsSchema.safeParse(body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid settings: ${parsed.error.issues
          .map(issue => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ')}`,
      );
    }
    const validChannels = [WEB_NOTIFICATION_CHANNEL, ...this.processorNames()];
    const rows: StoredSetting[] = [];
    for (const channel of parsed.data.channels) {
      if (!validChannels.includes(channel.id)) {
        throw new InputError('Invalid channel');
      }
      // A channel-level switch is not stored: only config decides it.
      for (const origin of channel.origins) {
        rows.push({
          channel: channel.id,
          origin: origin.id,
          topic: null,
          enabled: origin.enabled,
        });
        for (const topic of origin.topics ?? []) {
          rows.push({
            channel: channel.id,
            origin: origin.id,
            topic: topic.id,
            enabled: origin.enabled && topic.enabled,
          });
        }
      }
    }
    await this.store.replaceUserSettings(user, rows);
    return await this.getSettings(user);
  }

  /**
   * Reads the settings of every recipient of a send in one query and decides
   * per user and channel with the same rules as {@link getSettings}.
   */
  async getRecipientChannels(
    users: string[],
    origin: string,
    topic: string | undefined,
  ): Promise<RecipientChannels> {
    const byUser = await this.store.getSettingsForUsers(users, origin);
    const defaults = this.defaults;
    const cache = new Map<string, boolean>();
    return {
      isEnabled(user: string, channel: string): boolean {
        const stored = byUser.get(user);
        if (!stored) {
          // Users without stored settings all share the default answer.
          const key = `\u0000${channel}`;
          let enabled = cache.get(key);
          if (enabled === undefined) {
            enabled = isChannelEnabled(channel, origin, topic, [], defaults);
            cache.set(key, enabled);
          }
          return enabled;
        }
        return isChannelEnabled(channel, origin, topic, stored, defaults);
      },
    };
  }
}
