import {
  NotificationReasonType,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';
import { GetNotificationsOptions } from '../../api';

/**
 * The first four views are the inbox: what is neither done nor snoozed. Done
 * and Snoozed show what left it.
 */
export const viewFilters = [
  'unread',
  'read',
  'saved',
  'all',
  'done',
  'snoozed',
] as const;
export type ViewFilter = (typeof viewFilters)[number];
export type CreatedAfterFilter = 'last24h' | 'lastWeek' | 'anyTime';
export type SortFilter = 'newest' | 'oldest' | 'topic' | 'origin';

export type NotificationsFilters = {
  view: ViewFilter;
  createdAfter: CreatedAfterFilter;
  sortBy: SortFilter;
  minimumSeverity: NotificationSeverity;
  topic?: string;
  reason?: NotificationReasonType;
  search: string;
};

export const defaultFilters: NotificationsFilters = {
  view: 'unread',
  createdAfter: 'anyTime',
  sortBy: 'newest',
  minimumSeverity: 'low',
  topic: undefined,
  reason: undefined,
  search: '',
};

const DAY_MS = 24 * 60 * 60 * 1000;

const sortOptions: Record<
  SortFilter,
  Pick<GetNotificationsOptions, 'sort' | 'sortOrder'>
> = {
  newest: { sort: 'created', sortOrder: 'desc' },
  oldest: { sort: 'created', sortOrder: 'asc' },
  topic: { sort: 'topic', sortOrder: 'asc' },
  origin: { sort: 'origin', sortOrder: 'asc' },
};

/**
 * The list request for the filters; the created-after date is computed now,
 * at fetch time, so "last 24h" never goes stale.
 */
export function toListOptions(
  filters: NotificationsFilters,
  page: number,
  pageSize: number,
  now: Date = new Date(),
): GetNotificationsOptions {
  const options: GetNotificationsOptions = {
    limit: pageSize,
    offset: page * pageSize,
    minimumSeverity: filters.minimumSeverity,
    ...sortOptions[filters.sortBy],
  };
  if (filters.search) {
    options.search = filters.search;
  }
  if (filters.view === 'done') {
    options.done = true;
  } else if (filters.view === 'snoozed') {
    options.snoozed = true;
  } else {
    options.done = false;
    options.snoozed = false;
  }
  if (filters.view === 'unread') {
    options.read = false;
  } else if (filters.view === 'read') {
    options.read = true;
  } else if (filters.view === 'saved') {
    options.saved = true;
  }
  if (filters.topic !== undefined) {
    options.topic = filters.topic;
  }
  if (filters.reason !== undefined) {
    options.reason = filters.reason;
  }
  if (filters.createdAfter === 'last24h') {
    options.createdAfter = new Date(now.getTime() - DAY_MS);
  } else if (filters.createdAfter === 'lastWeek') {
    options.createdAfter = new Date(now.getTime() - 7 * DAY_MS);
  }
  return options;
}
