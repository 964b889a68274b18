import {
  isNotificationSeverity,
  notificationReasonTypes,
} from '@herald/plugin-notifications-common';
import {
  CreatedAfterFilter,
  NotificationsFilters,
  SortFilter,
  defaultFilters,
  viewFilters,
} from './filters';

const PAGE_SIZES = [5, 10, 20];
const DEFAULT_PAGE_SIZE = 5;

/** What the inbox shows: its filters and the page of the list. */
export type InboxView = {
  filters: NotificationsFilters;
  /** From 0. */
  page: number;
  pageSize: number;
};

const createdAfters: CreatedAfterFilter[] = ['last24h', 'lastWeek', 'anyTime'];
const sorts: SortFilter[] = ['newest', 'oldest', 'topic', 'origin'];

/** The query parameters of each part of the view. */
const KEYS = {
  view: 'view',
  createdAfter: 'sent',
  sortBy: 'sort',
  minimumSeverity: 'severity',
  topic: 'topic',
  reason: 'reason',
  search: 'q',
  page: 'page',
  pageSize: 'size',
} as const;

function oneOf<T extends string>(
  value: string | null,
  allowed: readonly T[],
  fallback: T,
): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/**
 * The view a query string describes. Anything missing or not understood
 * falls back to the default, so an old or hand-edited link still opens.
 */
export function readView(params: URLSearchParams): InboxView {
  const severity = params.get(KEYS.minimumSeverity);
  const size = Number(params.get(KEYS.pageSize));
  const page = Number(params.get(KEYS.page));
  return {
    filters: {
      view: oneOf(params.get(KEYS.view), viewFilters, defaultFilters.view),
      createdAfter: oneOf(
        params.get(KEYS.createdAfter),
        createdAfters,
        defaultFilters.createdAfter,
      ),
      sortBy: oneOf(params.get(KEYS.sortBy), sorts, defaultFilters.sortBy),
      minimumSeverity: isNotificationSeverity(severity)
        ? severity
        : defaultFilters.minimumSeverity,
      topic: params.get(KEYS.topic) ?? undefined,
      reason: notificationReasonTypes.find(
        type => type === params.get(KEYS.reason),
      ),
      search: params.get(KEYS.search) ?? '',
    },
    page: Number.isInteger(page) && page > 1 ? page - 1 : 0,
    pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/**
 * The query string for a view: only what differs from the default, the
 * page counted from 1; other parameters (such as a deep link's `id`) kept.
 */
export function writeView(
  view: InboxView,
  current: URLSearchParams,
): URLSearchParams {
  const next = new URLSearchParams(current);
  const set = (key: string, value: string | undefined, fallback?: string) => {
    if (value === undefined || value === '' || value === fallback) {
      next.delete(key);
    } else {
      next.set(key, value);
    }
  };
  const { filters } = view;
  set(KEYS.view, filters.view, defaultFilters.view);
  set(KEYS.createdAfter, filters.createdAfter, defaultFilters.createdAfter);
  set(KEYS.sortBy, filters.sortBy, defaultFilters.sortBy);
  set(
    KEYS.minimumSeverity,
    filters.minimumSeverity,
    defaultFilters.minimumSeverity,
  );
  set(KEYS.topic, filters.topic);
  set(KEYS.reason, filters.reason);
  set(KEYS.search, filters.search);
  set(KEYS.page, String(view.page + 1), '1');
  set(KEYS.pageSize, String(view.pageSize), String(DEFAULT_PAGE_SIZE));
  return next;
}
