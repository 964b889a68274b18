import { JsonValue } from '@backstage/types';
import {
  Notification,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { toDate } from '../store/rows';

/** The validated, normalised content of a notification as it is stored. */
export type NotificationContent = {
  title: string;
  description?: string;
  link?: string;
  severity: NotificationSeverity;
  topic?: string;
  scope?: string;
  icon?: string;
  metadata?: { [key: string]: JsonValue };
};

/**
 * 500 rows of 15 columns stay well below the bind-parameter limits of
 * SQLite (32766), PostgreSQL and MySQL (65535).
 */
const INSERT_CHUNK_SIZE = 500;

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

/** Columns a scoped re-send replaces; `icon`, `created` and `id` are kept. */
function replacedColumns(content: NotificationContent, now: Date) {
  return {
    title: content.title,
    description: content.description ?? null,
    link: content.link ?? null,
    severity: content.severity,
    topic: content.topic ?? null,
    metadata: content.metadata ? JSON.stringify(content.metadata) : null,
    updated: now,
  };
}

function toNotification(options: {
  id: string;
  user: string | null;
  origin: string;
  content: NotificationContent;
  created: Date;
  updated?: Date;
  saved?: Date;
  icon?: string;
}): Notification {
  const { content } = options;
  return {
    id: options.id,
    user: options.user,
    created: options.created,
    updated: options.updated,
    saved: options.saved,
    origin: options.origin,
    payload: {
      title: content.title,
      description: content.description,
      link: content.link,
      severity: content.severity,
      topic: content.topic,
      scope: content.scope,
      icon: options.icon,
      ...(content.metadata ? { metadata: content.metadata } : {}),
    },
  };
}

/** The write side of a send: every row of one send goes in one transaction. */
export class DeliveryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Stores a broadcast, or updates the broadcast with the same scope and
   * origin in place (its id, creation time, icon and the users' read state
   * are kept) and returns the stored row.
   */
  async storeBroadcast(options: {
    origin: string;
    content: NotificationContent;
    now: Date;
  }): Promise<Notification> {
    const { origin, content, now } = options;
    return await this.knex.transaction(async tx => {
      if (content.scope) {
        const existing = await tx('broadcast')
          .where({ scope: content.scope, origin })
          .orderBy('created', 'desc')
          .first('id', 'created', 'icon');
        if (existing) {
          await tx('broadcast')
            .where('id', existing.id)
            .update(replacedColumns(content, now));
          return toNotification({
            id: existing.id,
            user: null,
            origin,
            content,
            created: toDate(existing.created) ?? now,
            updated: now,
            icon: existing.icon ?? undefined,
          });
        }
      }
      const id = randomUUID();
      await tx('broadcast').insert({
        id,
        origin,
        created: now,
        scope: content.scope ?? null,
        icon: content.icon ?? null,
        ...replacedColumns(content, now),
        updated: null,
      });
      return toNotification({
        id,
        user: null,
        origin,
        content,
        created: now,
        icon: content.icon,
      });
    });
  }

  /**
   * Stores one row per user. With a scope, a user's earlier notification of
   * the same scope and origin is updated instead: new content, `updated` set,
   * back to unread, while saved, created, icon and id are kept.
   */
  async storeUserNotifications(options: {
    origin: string;
    users: string[];
    content: NotificationContent;
    now: Date;
  }): Promise<Notification[]> {
    const { origin, users, content, now } = options;
    return await this.knex.transaction(async tx => {
      const existingByUser = new Map<
        string,
        { id: string; created: unknown; saved: unknown; icon: string | null }
      >();
      if (content.scope) {
        for (const userChunk of chunk(users, INSERT_CHUNK_SIZE)) {
          const rows = await tx('notification')
            .where({ scope: content.scope, origin })
            .whereIn('user', userChunk)
            .orderBy('created', 'asc')
            .select('id', 'user', 'created', 'saved', 'icon');
          for (const row of rows) {
            existingByUser.set(row.user, row);
          }
        }
        const existingIds = [...existingByUser.values()].map(row => row.id);
        for (const idChunk of chunk(existingIds, INSERT_CHUNK_SIZE)) {
          await tx('notification')
            .whereIn('id', idChunk)
            .update({ ...replacedColumns(content, now), read: null });
        }
      }

      const notifications = users.map(user => {
        const existing = existingByUser.get(user);
        if (existing) {
          return toNotification({
            id: existing.id,
            user,
            origin,
            content,
            created: toDate(existing.created) ?? now,
            updated: now,
            saved: toDate(existing.saved),
            icon: existing.icon ?? undefined,
          });
        }
        return toNotification({
          id: randomUUID(),
          user,
          origin,
          content,
          created: now,
          icon: content.icon,
        });
      });

      const newRows = notifications
        .filter(notification => !existingByUser.has(notification.user!))
        .map(notification => ({
          id: notification.id,
          user: notification.user,
          origin,
          created: now,
          scope: content.scope ?? null,
          icon: content.icon ?? null,
          ...replacedColumns(content, now),
          updated: null,
        }));
      for (const rowChunk of chunk(newRows, INSERT_CHUNK_SIZE)) {
        await tx('notification').insert(rowChunk);
      }
      return notifications;
    });
  }
}
