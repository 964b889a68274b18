import { NotificationSettings } from './types';

/**
 * Whether a user's settings let notifications of an origin and topic through
 * a channel. An unknown channel is enabled; an unknown origin follows the
 * channel (enabled unless the channel is opt-in); a topic without its own
 * setting follows its origin. Ids match exactly.
 *
 * @public
 */
export function isNotificationsEnabledFor(
  settings: NotificationSettings,
  channelId: string,
  originId: string,
  topicId: string | null,
): boolean {
  const channel = settings.channels.find(c => c.id === channelId);
  if (!channel) {
    return true;
  }
  const origin = channel.origins.find(o => o.id === originId);
  if (!origin) {
    return channel.enabled ?? true;
  }
  if (topicId !== null) {
    const topic = origin.topics?.find(t => t.id === topicId);
    if (topic) {
      return topic.enabled;
    }
  }
  return origin.enabled;
}
