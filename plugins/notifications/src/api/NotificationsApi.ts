import { createApiRef } from '@backstage/core-plugin-api';
import {
  Notification,
  NotificationReasonType,
  NotificationSettings,
  NotificationSeverity,
  NotificationStatus,
} from '@herald/plugin-notifications-common';

/**
 * Filters understood by both the list and the topics endpoints.
 * @public
 */
export type GetNotificationsCommonOptions = {
  search?: string;
  read?: boolean;
  saved?: boolean;
  createdAfter?: Date;
  minimumSeverity?: NotificationSeverity;
  /** Herald extension: only done (`true`) or only not done (`false`). */
  done?: boolean;
  /** Herald extension: only snoozed until a future time, or only not. */
  snoozed?: boolean;
  /** Herald extension: only those that reached the user this way. */
  reason?: NotificationReasonType;
};

/** @public */
export type GetNotificationsOptions = GetNotificationsCommonOptions & {
  offset?: number;
  limit?: number;
  sort?: 'created' | 'topic' | 'origin';
  sortOrder?: 'asc' | 'desc';
  topic?: string;
};

/** @public */
export type GetTopicsOptions = GetNotificationsCommonOptions;

/** @public */
export type UpdateNotificationsOptions = {
  ids: string[];
  read?: boolean;
  saved?: boolean;
  /** Herald extension: marking done also marks read. */
  done?: boolean;
  /**
   * Herald extension: hide until then (in the future, at most a year ahead);
   * `null` ends a snooze.
   */
  snoozedUntil?: Date | null;
};

/**
 * Herald extension: which notifications `getStatus` counts.
 * @public
 */
export type GetStatusOptions = {
  done?: boolean;
  snoozed?: boolean;
};

/** @public */
export type GetNotificationsResponse = {
  notifications: Notification[];
  totalCount: number;
};

/** @public */
export type GetTopicsResponse = {
  topics: string[];
};

/** @public */
export interface NotificationsApi {
  getNotifications(
    options?: GetNotificationsOptions,
  ): Promise<GetNotificationsResponse>;
  getNotification(id: string): Promise<Notification>;
  getStatus(options?: GetStatusOptions): Promise<NotificationStatus>;
  updateNotifications(
    options: UpdateNotificationsOptions,
  ): Promise<Notification[]>;
  getNotificationSettings(): Promise<NotificationSettings>;
  updateNotificationSettings(
    settings: NotificationSettings,
  ): Promise<NotificationSettings>;
  getTopics(options?: GetTopicsOptions): Promise<GetTopicsResponse>;
}

/** @public */
export const notificationsApiRef = createApiRef<NotificationsApi>({
  id: 'plugin.notifications.service',
});
