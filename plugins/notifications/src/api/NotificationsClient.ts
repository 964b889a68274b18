import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  HERALD_EXTENSIONS_HEADER,
  Notification,
  NotificationSettings,
  NotificationStatus,
} from '@herald/plugin-notifications-common';
import {
  GetNotificationsCommonOptions,
  GetNotificationsOptions,
  GetNotificationsResponse,
  GetStatusOptions,
  GetTopicsOptions,
  GetTopicsResponse,
  NotificationsApi,
  UpdateNotificationsOptions,
} from './NotificationsApi';

function appendStateParams(params: URLSearchParams, options: GetStatusOptions) {
  if (options.done !== undefined) {
    params.append('done', String(options.done));
  }
  if (options.snoozed !== undefined) {
    params.append('snoozed', String(options.snoozed));
  }
}

function appendCommonParams(
  params: URLSearchParams,
  options: GetNotificationsCommonOptions,
) {
  if (options.search) {
    params.append('search', options.search);
  }
  if (options.read !== undefined) {
    params.append('read', String(options.read));
  }
  if (options.saved !== undefined) {
    params.append('saved', String(options.saved));
  }
  if (options.createdAfter !== undefined) {
    params.append('createdAfter', options.createdAfter.toISOString());
  }
  if (options.minimumSeverity !== undefined) {
    params.append('minimumSeverity', options.minimumSeverity);
  }
  appendStateParams(params, options);
  if (options.reason !== undefined) {
    params.append('reason', options.reason);
  }
}

function withQuery(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * Talks to the notifications backend REST API on behalf of the signed-in user.
 * @public
 */
export class NotificationsClient implements NotificationsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getNotifications(
    options: GetNotificationsOptions = {},
  ): Promise<GetNotificationsResponse> {
    const params = new URLSearchParams();
    if (options.limit !== undefined) {
      params.append('limit', String(options.limit));
    }
    if (options.offset !== undefined) {
      params.append('offset', String(options.offset));
    }
    if (options.sort !== undefined) {
      params.append(
        'orderField',
        `${options.sort},${options.sortOrder ?? 'desc'}`,
      );
    }
    appendCommonParams(params, options);
    if (options.topic !== undefined) {
      params.append('topic', options.topic);
    }
    return this.request(withQuery('/notifications', params), {
      withExtensions: true,
    });
  }

  async getNotification(id: string): Promise<Notification> {
    return this.request(`/notifications/${encodeURIComponent(id)}`, {
      withExtensions: true,
    });
  }

  async getStatus(options: GetStatusOptions = {}): Promise<NotificationStatus> {
    const params = new URLSearchParams();
    appendStateParams(params, options);
    return this.request(withQuery('/status', params));
  }

  async updateNotifications(
    options: UpdateNotificationsOptions,
  ): Promise<Notification[]> {
    // Unset fields are left out of the JSON, so an upstream-shaped call
    // sends the body it always sent.
    return this.request('/notifications/update', {
      method: 'POST',
      body: JSON.stringify(options),
      withExtensions: true,
    });
  }

  async getNotificationSettings(): Promise<NotificationSettings> {
    return this.request('/settings');
  }

  async updateNotificationSettings(
    settings: NotificationSettings,
  ): Promise<NotificationSettings> {
    return this.request('/settings', {
      method: 'POST',
      body: JSON.stringify(settings),
    });
  }

  async getTopics(options: GetTopicsOptions = {}): Promise<GetTopicsResponse> {
    const params = new URLSearchParams();
    appendCommonParams(params, options);
    return this.request(withQuery('/topics', params));
  }

  /**
   * `withExtensions` asks for Herald's `done`, `snoozedUntil` and `reasons`
   * in the notifications of the answer.
   */
  private async request<T>(
    path: string,
    init: { method?: string; body?: string; withExtensions?: boolean } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('notifications');
    const headers: Record<string, string> = {};
    if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (init.withExtensions) {
      headers[HERALD_EXTENSIONS_HEADER] = 'true';
    }
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}`,
      init.method || Object.keys(headers).length > 0
        ? { method: init.method, body: init.body, headers }
        : undefined,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
