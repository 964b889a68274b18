import { JsonValue } from '@backstage/types';

/** @public */
export type NotificationSeverity = 'critical' | 'high' | 'normal' | 'low';

/**
 * Every severity, most severe first. A non-empty tuple, so `z.enum` takes it
 * without a cast, and still a `NotificationSeverity[]` as upstream declares
 * it, so code written for upstream compiles.
 * @public
 */
export const notificationSeverities: [
  NotificationSeverity,
  ...NotificationSeverity[],
] = ['critical', 'high', 'normal', 'low'];

/** @public */
export type NotificationPayload = {
  title: string;
  description?: string;
  link?: string;
  severity?: NotificationSeverity;
  topic?: string;
  scope?: string;
  icon?: string;
  metadata?: { [key in string]?: JsonValue };
};

/**
 * Every way a user can be reached by a notification.
 * @public
 */
export const notificationReasonTypes = [
  'direct',
  'group',
  'owner',
  'broadcast',
] as const;

/** @public */
export type NotificationReasonType = (typeof notificationReasonTypes)[number];

/**
 * Why a user received a notification, as resolved at send time: `direct` when
 * the user's own entity ref was a recipient, `group` through membership of
 * `entityRef`, `owner` as owner of `entityRef` (`via` names the owning group,
 * if the ownership went through one), `broadcast` for a broadcast.
 * @public
 */
export type NotificationReason =
  | { type: 'direct' }
  | { type: 'group'; entityRef: string }
  | { type: 'owner'; entityRef: string; via?: string }
  | { type: 'broadcast' };

/** @public */
export type Notification = {
  id: string;
  /** The recipient's user entity ref, or null for a broadcast. */
  user: string | null;
  created: Date;
  saved?: Date;
  read?: Date;
  updated?: Date;
  /** Herald extension: when the user marked it done. */
  done?: Date;
  /** Herald extension: hidden from the inbox until then. */
  snoozedUntil?: Date;
  /** Herald extension: how the user was reached. */
  reasons?: NotificationReason[];
  origin: string;
  payload: NotificationPayload;
};

/** @public */
export type NotificationStatus = {
  unread: number;
  read: number;
};

/** @public */
export type NotificationRecipients =
  | {
      type: 'entity';
      entityRef: string | string[];
      excludeEntityRef?: string | string[];
    }
  | { type: 'broadcast' };

/** @public */
export type NotificationSendOptions = {
  recipients: NotificationRecipients;
  payload: NotificationPayload;
};

/** @public */
export type NotificationProcessorFilters = {
  minSeverity?: NotificationSeverity;
  maxSeverity?: NotificationSeverity;
  excludedTopics?: string[];
  includedTopics?: string[];
  /**
   * `false` keeps broadcasts away from the processor: Herald runs none of its
   * processOptions, preProcess and postProcess for one and queues no delivery
   * of it, so a processor with nowhere to send broadcasts costs a broadcast
   * nothing. Herald's extension; the upstream backend ignores it and calls
   * the processor as before.
   */
  broadcasts?: boolean;
};

/** @public */
export type TopicSetting = {
  id: string;
  enabled: boolean;
};

/** @public */
export type OriginSetting = {
  id: string;
  enabled: boolean;
  topics?: TopicSetting[];
};

/** @public */
export type ChannelSetting = {
  id: string;
  /** Unset means enabled; `false` makes the channel's origins and topics opt-in. */
  enabled?: boolean;
  origins: OriginSetting[];
};

/** @public */
export type NotificationSettings = {
  channels: ChannelSetting[];
};

/**
 * The channel of the in-app inbox in user settings.
 * @public
 */
export const WEB_NOTIFICATION_CHANNEL = 'Web';

/**
 * Metadata key under which senders may put a markdown body.
 * @public
 */
export const MARKDOWN_BODY_METADATA_KEY = 'backstage.io/body.markdown';
