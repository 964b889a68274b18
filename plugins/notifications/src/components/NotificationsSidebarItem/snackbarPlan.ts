import {
  Notification,
  NotificationSeverity,
  normalizeSeverity,
  severityRank,
} from '@herald/plugin-notifications-common';

/** What one visible snackbar shows. */
export type SnackContent =
  | { kind: 'single'; notification: Notification }
  | { kind: 'burst'; notifications: Notification[] };

/** What the plan asks of the snackbar stack. */
type SnackbarStack = {
  show(key: string, severity: NotificationSeverity): void;
  close(key: string): void;
};

function severityOf(notification: Notification): NotificationSeverity {
  return normalizeSeverity(notification.payload.severity);
}

/** Most severe first; within a severity, the order of arrival (newest first). */
export function mostSevereFirst(notifications: Notification[]) {
  return notifications
    .map((notification, index) => ({ notification, index }))
    .sort(
      (a, b) =>
        severityRank(severityOf(a.notification)) -
          severityRank(severityOf(b.notification)) || a.index - b.index,
    )
    .map(entry => entry.notification);
}

function highest(notifications: Notification[]): NotificationSeverity {
  return severityOf(mostSevereFirst(notifications)[0]);
}

/**
 * Decides what the snackbars show, so that at most one is on screen: a lone
 * notification gets its own snackbar; notifications arriving together, or
 * while another is shown, fold into one "N new notifications" snackbar led
 * by the most severe. A notification sent again (a scope update) replaces
 * what its snackbar shows, and one read elsewhere leaves it.
 *
 * Components read a snackbar's current content through `content` and
 * `subscribe`, so it changes in place without a new snackbar.
 */
export class SnackbarPlan {
  private readonly contents = new Map<string, SnackContent>();
  private readonly severities = new Map<string, NotificationSeverity>();
  private readonly listeners = new Set<() => void>();
  private sequence = 0;

  constructor(private readonly stack: SnackbarStack) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  content = (key: string): SnackContent | undefined => this.contents.get(key);

  /** Notifications that arrived together (within one batching window). */
  add(batch: Notification[]) {
    const latest = new Map<string, Notification>();
    for (const notification of batch) {
      latest.delete(notification.id);
      latest.set(notification.id, notification);
    }
    const fresh: Notification[] = [];
    let changed = false;
    for (const notification of [...latest.values()].reverse()) {
      if (this.replace(notification)) {
        changed = true;
      } else {
        fresh.push(notification);
      }
    }
    if (fresh.length > 0) {
      this.place(fresh);
      changed = true;
    }
    if (changed) {
      this.notify();
    }
  }

  /** Notifications read elsewhere no longer need a snackbar. */
  read(ids: string[]) {
    const gone = new Set(ids);
    let changed = false;
    for (const [key, content] of [...this.contents]) {
      if (content.kind === 'single') {
        if (gone.has(content.notification.id)) {
          this.drop(key);
          this.stack.close(key);
        }
        continue;
      }
      const left = content.notifications.filter(n => !gone.has(n.id));
      if (left.length === content.notifications.length) {
        continue;
      }
      changed = true;
      if (left.length === 0) {
        this.drop(key);
        this.stack.close(key);
      } else {
        this.contents.set(key, { kind: 'burst', notifications: left });
      }
    }
    if (changed) {
      this.notify();
    }
  }

  /** The stack closed a snackbar (timeout, action, or `close`). */
  closed(key: string) {
    this.drop(key);
  }

  private replace(notification: Notification): boolean {
    for (const [key, content] of this.contents) {
      if (
        content.kind === 'single' &&
        content.notification.id === notification.id
      ) {
        this.contents.set(key, { kind: 'single', notification });
        return true;
      }
      if (
        content.kind === 'burst' &&
        content.notifications.some(n => n.id === notification.id)
      ) {
        this.contents.set(key, {
          kind: 'burst',
          notifications: content.notifications.map(n =>
            n.id === notification.id ? notification : n,
          ),
        });
        return true;
      }
    }
    return false;
  }

  /** `fresh` is newest first. */
  private place(fresh: Notification[]) {
    const visible = [...this.contents.entries()];
    if (visible.length === 0 && fresh.length === 1) {
      this.open({ kind: 'single', notification: fresh[0] });
      return;
    }
    const shown = visible.flatMap(([, content]) =>
      content.kind === 'single'
        ? [content.notification]
        : content.notifications,
    );
    const notifications = [...fresh, ...shown];
    const burst = visible.find(([, content]) => content.kind === 'burst');
    const severity = highest(notifications);
    if (
      burst &&
      visible.length === 1 &&
      severityRank(severity) >= severityRank(this.severities.get(burst[0])!)
    ) {
      this.contents.set(burst[0], { kind: 'burst', notifications });
      return;
    }
    // A new snackbar when none can take them, or when the burst must now
    // wear a higher severity: the variant is fixed when a snackbar opens.
    for (const [key] of visible) {
      this.drop(key);
      this.stack.close(key);
    }
    this.open({ kind: 'burst', notifications });
  }

  private open(content: SnackContent) {
    this.sequence += 1;
    const key = `herald-snackbar-${this.sequence}`;
    const severity =
      content.kind === 'single'
        ? severityOf(content.notification)
        : highest(content.notifications);
    this.contents.set(key, content);
    this.severities.set(key, severity);
    this.stack.show(key, severity);
  }

  private drop(key: string) {
    this.contents.delete(key);
    this.severities.delete(key);
  }

  private notify() {
    this.listeners.forEach(listener => listener());
  }
}
