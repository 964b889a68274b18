import {
  Notification,
  NotificationPayload,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';
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
  metadata?: NotificationPayload['metadata'];
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

/** A user's notification as the pipeline prepared it, before storing. */
export type UserNotificationDraft = {
  id: string;
  user: string;
  content: NotificationContent;
};

/** Runs inside the transaction of a send, after its rows are written. */
export type InTransaction = (
  tx: Knex.Transaction,
  stored: Notification[],
) => Promise<void>;

/** The write side of a send: every row of one send goes in one transaction. */
export class DeliveryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Stores a broadcast, or updates the broadcast with the same scope and
   * origin in place (its id, creation time, icon and the users' read state
   * are kept) and returns the stored row.
   */
  async storeBroadcast(options: {
    id: string;
    origin: string;
    content: NotificationContent;
    now: Date;
    inTransaction?: InTransaction;
  }): Promise<Notification> {
    const { origin, content, now } = options;
    return await this.knex.transaction(async tx => {
      let stored: Notification | undefined;
      if (content.scope) {
        const existing = await tx('broadcast')
          .where({ scope: content.scope, origin })
          .orderBy('created', 'desc')
          .first('id', 'created', 'icon');
        if (existing) {
          await tx('broadcast')
            .where('id', existing.id)
            .update(replacedColumns(content, now));
          stored = toNotification({
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
      if (!stored) {
        await tx('broadcast').insert({
          id: options.id,
          origin,
          created: now,
          scope: content.scope ?? null,
          icon: content.icon ?? null,
          ...replacedColumns(content, now),
          updated: null,
        });
        stored = toNotification({
          id: options.id,
          user: null,
          origin,
          content,
          created: now,
          icon: content.icon,
        });
      }
      await options.inTransaction?.(tx, [stored]);
      return stored;
    });
  }

  /** Runs `work` in one transaction: a send is stored whole or not at all. */
  async transaction<T>(work: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
    return await this.knex.transaction(work);
  }

  /**
   * Stores one row per draft, inside the send's transaction; a large send
   * calls it once per batch of recipients. With a scope, a user's earlier
   * notification of the same scope and origin is updated instead: new
   * content, `updated` set, back to unread, while saved, created, icon and id
   * are kept.
   */
  async storeUserNotifications(
    tx: Knex.Transaction,
    options: {
      origin: string;
      drafts: UserNotificationDraft[];
      now: Date;
    },
  ): Promise<Notification[]> {
    const { origin, drafts, now } = options;
    const existingByUser = new Map<
      string,
      { id: string; created: unknown; saved: unknown; icon: string | null }
    >();
    const scoped = groupBy(
      drafts.filter(draft => draft.content.scope),
      draft => draft.content.scope!,
    );
    for (const [scope, scopeDrafts] of scoped) {
      const users = scopeDrafts.map(draft => draft.user);
      for (const userChunk of chunk(users, INSERT_CHUNK_SIZE)) {
        const rows = await tx('notification')
          .where({ scope, origin })
          .whereIn('user', userChunk)
          .orderBy('created', 'asc')
          .select('id', 'user', 'created', 'saved', 'icon');
        for (const row of rows) {
          existingByUser.set(row.user, row);
        }
      }
    }
    // Drafts usually share their content, so updates go in a few bulk statements.
    const updates = groupBy(
      drafts.filter(draft => existingByUser.has(draft.user)),
      draft => JSON.stringify(draft.content),
    );
    for (const group of updates.values()) {
      const ids = group.map(draft => existingByUser.get(draft.user)!.id);
      for (const idChunk of chunk(ids, INSERT_CHUNK_SIZE)) {
        await tx('notification')
          .whereIn('id', idChunk)
          .update({ ...replacedColumns(group[0].content, now), read: null });
      }
    }

    const notifications = drafts.map(({ id, user, content }) => {
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
        id,
        user,
        origin,
        content,
        created: now,
        icon: content.icon,
      });
    });

    const newRows = drafts
      .filter(draft => !existingByUser.has(draft.user))
      .map(
        ({ id, user, content }): NotificationRow => ({
          id,
          user,
          origin,
          created: now,
          scope: content.scope ?? null,
          icon: content.icon ?? null,
          ...replacedColumns(content, now),
          updated: null,
        }),
      );
    await insertNotificationRows(tx, newRows);
    return notifications;
  }
}

type NotificationRow = {
  id: string;
  user: string;
  origin: string;
  created: Date;
  scope: string | null;
  icon: string | null;
  title: string;
  description: string | null;
  link: string | null;
  severity: string;
  topic: string | null;
  metadata: string | null;
  updated: Date | null;
};

async function insertNotificationRows(
  tx: Knex.Transaction,
  rows: NotificationRow[],
) {
  if (rows.length === 0) {
    return;
  }
  if (tx.client.config.client === 'pg') {
    // One array per column keeps a send to thousands of users to a single
    // statement with a dozen parameters, instead of many statements with
    // thousands of parameters each for the driver to number and encode.
    // pg sends null elements as NULL; knex's types only know arrays without them.
    const column = (key: keyof NotificationRow) =>
      rows.map(row => row[key]) as string[];
    await tx.raw(
      `INSERT INTO notification
         (id, "user", origin, created, scope, icon, title, description, link, severity, topic, metadata, updated)
       SELECT * FROM unnest(
         ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[],
         ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[]
       )`,
      [
        column('id'),
        column('user'),
        column('origin'),
        column('created'),
        column('scope'),
        column('icon'),
        column('title'),
        column('description'),
        column('link'),
        column('severity'),
        column('topic'),
        column('metadata'),
        column('updated'),
      ],
    );
    return;
  }
  if (tx.client.config.client === 'better-sqlite3') {
    // SQLite compiles every statement anew; one statement reading the rows
    // from a single JSON parameter spares it compiling thousands of
    // placeholders. Dates are stored as epoch milliseconds, as the driver
    // stores them for every other statement.
    const time = (date: Date | null) => (date ? date.getTime() : null);
    await tx.raw(
      `INSERT INTO notification
         (id, user, origin, created, scope, icon, title, description, link, severity, topic, metadata, updated)
       SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6,
              value->>7, value->>8, value->>9, value->>10, value->>11, value->>12
       FROM json_each(?)`,
      [
        JSON.stringify(
          rows.map(row => [
            row.id,
            row.user,
            row.origin,
            time(row.created),
            row.scope,
            row.icon,
            row.title,
            row.description,
            row.link,
            row.severity,
            row.topic,
            row.metadata,
            time(row.updated),
          ]),
        ),
      ],
    );
    return;
  }
  for (const rowChunk of chunk(rows, INSERT_CHUNK_SIZE)) {
    await tx('notification').insert(rowChunk);
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) {
      group.push(item);
    } else {
      groups.set(k, [item]);
    }
  }
  return groups;
}
