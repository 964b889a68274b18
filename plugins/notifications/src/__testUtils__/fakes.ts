import { JsonObject } from '@backstage/types';
import {
  Notification,
  NotificationSettings,
  NotificationSignal,
  isSeverityAtLeast,
} from '@herald/plugin-notifications-common';
import {
  GetNotificationsOptions,
  GetStatusOptions,
  GetTopicsOptions,
  NotificationsApi,
  UpdateNotificationsOptions,
} from '../api';

/**
 * An in-memory notifications backend with the server semantics the UI relies
 * on (filters, paging, counts), recording every call.
 */
export class InMemoryNotificationsApi implements NotificationsApi {
  notifications: Notification[];
  settings: NotificationSettings;
  calls: Array<{ method: string; args: unknown }> = [];
  failWith?: Error;

  constructor(
    notifications: Notification[] = [],
    settings: NotificationSettings = { channels: [] },
  ) {
    this.notifications = notifications;
    this.settings = settings;
  }

  private record(method: string, args?: unknown) {
    this.calls.push({ method, args });
    if (this.failWith) {
      throw this.failWith;
    }
  }

  callsTo(method: string) {
    return this.calls.filter(c => c.method === method);
  }

  /** The arguments of the latest call to `method`. */
  lastCallTo(method: string) {
    return this.callsTo(method).at(-1)?.args;
  }

  private filter(options: GetTopicsOptions & { topic?: string }) {
    return this.notifications.filter(n => {
      if (options.read !== undefined && !!n.read !== options.read) {
        return false;
      }
      if (options.saved !== undefined && !!n.saved !== options.saved) {
        return false;
      }
      if (options.done !== undefined && !!n.done !== options.done) {
        return false;
      }
      const snoozed = !!n.snoozedUntil && n.snoozedUntil > new Date();
      if (options.snoozed !== undefined && snoozed !== options.snoozed) {
        return false;
      }
      if (
        options.reason !== undefined &&
        !n.reasons?.some(reason => reason.type === options.reason)
      ) {
        return false;
      }
      if (
        options.minimumSeverity &&
        !isSeverityAtLeast(
          n.payload.severity ?? 'normal',
          options.minimumSeverity,
        )
      ) {
        return false;
      }
      if (options.topic !== undefined && n.payload.topic !== options.topic) {
        return false;
      }
      if (options.search) {
        const needle = options.search.toLowerCase();
        const haystack = `${n.payload.title} ${n.payload.description ?? ''}`;
        if (!haystack.toLowerCase().includes(needle)) {
          return false;
        }
      }
      return true;
    });
  }

  async getNotifications(options: GetNotificationsOptions = {}) {
    this.record('getNotifications', options);
    const matching = this.filter(options);
    const offset = options.offset ?? 0;
    const page =
      options.limit === undefined
        ? matching.slice(offset)
        : matching.slice(offset, offset + options.limit);
    return { notifications: page, totalCount: matching.length };
  }

  async getNotification(id: string) {
    this.record('getNotification', id);
    const found = this.notifications.find(n => n.id === id);
    if (!found) {
      throw new Error(`Notification ${id} not found`);
    }
    return found;
  }

  async getStatus(options?: GetStatusOptions) {
    this.record('getStatus', options);
    const counted = this.filter(options ?? {});
    const unread = counted.filter(n => !n.read).length;
    return { unread, read: counted.length - unread };
  }

  async updateNotifications(options: UpdateNotificationsOptions) {
    this.record('updateNotifications', options);
    const now = new Date();
    const updated: Notification[] = [];
    this.notifications = this.notifications.map(n => {
      if (!options.ids.includes(n.id)) {
        return n;
      }
      const next = { ...n };
      if (options.read !== undefined) {
        next.read = options.read ? now : undefined;
      }
      if (options.saved !== undefined) {
        next.saved = options.saved ? now : undefined;
      }
      // As the backend: done also marks read.
      if (options.done !== undefined) {
        next.done = options.done ? now : undefined;
        if (options.done) {
          next.read = next.read ?? now;
        }
      }
      if (options.snoozedUntil !== undefined) {
        next.snoozedUntil = options.snoozedUntil ?? undefined;
      }
      updated.push(next);
      return next;
    });
    return updated;
  }

  async getNotificationSettings() {
    this.record('getNotificationSettings');
    return this.settings;
  }

  async updateNotificationSettings(settings: NotificationSettings) {
    this.record('updateNotificationSettings', settings);
    this.settings = JSON.parse(JSON.stringify(settings));
    return this.settings;
  }

  async getTopics(options: GetTopicsOptions = {}) {
    this.record('getTopics', options);
    const topics = new Set(
      this.filter(options)
        .map(n => n.payload.topic)
        .filter((t): t is string => !!t),
    );
    return { topics: [...topics] };
  }
}

type ConnectionObserver = {
  onStateChange?(state: 'disconnected' | 'connecting' | 'connected'): void;
  onGap?(channel: string): void;
};

/**
 * A signal API whose messages, connection states and gaps the test pushes by
 * hand.
 */
export class ManualSignalApi {
  private readonly subscribers = new Map<string, Set<(m: any) => void>>();
  private readonly observers = new Set<ConnectionObserver>();

  observeConnection(observer: ConnectionObserver) {
    this.observers.add(observer);
    return {
      unsubscribe: () => {
        this.observers.delete(observer);
      },
    };
  }

  setState(state: 'disconnected' | 'connecting' | 'connected') {
    this.observers.forEach(o => o.onStateChange?.(state));
  }

  gap(channel = 'notifications') {
    this.observers.forEach(o => o.onGap?.(channel));
  }

  subscribe(channel: string, onMessage: (message: any) => void) {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(onMessage);
    this.subscribers.set(channel, set);
    return {
      unsubscribe: () => {
        set.delete(onMessage);
      },
    };
  }

  /**
   * Delivers a signal as the socket would: serialised to JSON, so an embedded
   * notification arrives with its dates as strings. Any JSON is accepted, as
   * a server may send malformed messages.
   */
  publish(
    message:
      | NotificationSignal
      | {
          action: 'new_notification';
          notification_id: string;
          notification: Notification;
        }
      | JsonObject,
  ) {
    for (const callback of this.subscribers.get('notifications') ?? []) {
      callback(JSON.parse(JSON.stringify(message)));
    }
  }

  /**
   * Signals a new notification as this backend does, with the notification
   * embedded, or by id alone (`embedded: false`) as upstream backends do.
   */
  announceNew(notification: Notification, { embedded = true } = {}) {
    this.publish(
      embedded
        ? {
            action: 'new_notification',
            notification_id: notification.id,
            notification,
          }
        : { action: 'new_notification', notification_id: notification.id },
    );
  }

  subscriberCount(channel = 'notifications') {
    return this.subscribers.get(channel)?.size ?? 0;
  }
}

let sequence = 0;

/** A notification with sensible defaults for tests. */
export function makeNotification(
  overrides: Partial<Omit<Notification, 'payload'>> & {
    payload?: Partial<Notification['payload']>;
  } = {},
): Notification {
  sequence += 1;
  const { payload, ...rest } = overrides;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    user: 'user:default/guest',
    created: new Date(Date.now() - 60_000),
    origin: 'plugin:test',
    ...rest,
    payload: {
      title: `Notification ${sequence}`,
      severity: 'normal',
      ...payload,
    },
  };
}
