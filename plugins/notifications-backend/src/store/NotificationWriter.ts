import {
  Notification,
  NotificationPayload,
  NotificationReason,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import { timeOrderedUuid } from './ids';
import { serializeReasons, toDate } from './rows';
import { TEXT_TABLE } from './searchCondition';
import {
  BulkColumn,
  ROWS_PER_STATEMENT,
  RowsInsert,
  chunk,
  insertRows,
} from './sql';

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
 * Columns a scoped re-send replaces, `updated` set to when; `icon`,
 * `created` and `id` are kept. A new row has them too, never updated yet.
 */
function replacedColumns(content: NotificationContent, updated: Date | null) {
  return {
    title: content.title,
    description: content.description ?? null,
    link: content.link ?? null,
    severity: content.severity,
    topic: content.topic ?? null,
    metadata: content.metadata ? JSON.stringify(content.metadata) : null,
    updated,
  };
}

/** Columns of a row a send creates, a broadcast's or a user's; never updated yet. */
function newRowColumns(
  id: string,
  origin: string,
  content: NotificationContent,
  now: Date,
) {
  // Added to the replaced columns rather than spread into a literal: see
  // `toNotification`.
  return Object.assign(replacedColumns(content, null), {
    id,
    origin,
    created: now,
    scope: content.scope ?? null,
    icon: content.icon ?? null,
  });
}

let lastPayload:
  | {
      content: NotificationContent;
      icon?: string;
      payload: Notification['payload'];
    }
  | undefined;

/**
 * The payload of a stored notification. The notifications of one send
 * share one content object unless a preProcess personalised them, so they
 * share one payload too: each recipient after the first costs no object,
 * and what compares or serialises a send's notifications later (its outbox
 * jobs, its JSON, its signal) sees the same payload by reference. Nothing
 * changes a stored notification's payload after this.
 */
function payloadOf(
  content: NotificationContent,
  icon: string | undefined,
): Notification['payload'] {
  if (lastPayload?.content === content && lastPayload.icon === icon) {
    return lastPayload.payload;
  }
  const payload: Notification['payload'] = {
    title: content.title,
    description: content.description,
    link: content.link,
    severity: content.severity,
    topic: content.topic,
    scope: content.scope,
    icon,
  };
  if (content.metadata) {
    payload.metadata = content.metadata;
  }
  lastPayload = { content, icon, payload };
  return payload;
}

/**
 * Built by assignment, not by spreading the optional parts into the
 * literal: V8 builds an object literal that begins with a spread, or adds
 * keys after one, on a slow path, 4 to 8 µs per object against 0.3, which
 * a send pays once per recipient.
 */
function toNotification(options: {
  id: string;
  user: string | null;
  origin: string;
  content: NotificationContent;
  created: Date;
  updated?: Date;
  saved?: Date;
  icon?: string;
  reasons?: NotificationReason[];
}): Notification {
  const notification: Notification = {
    id: options.id,
    user: options.user,
    created: options.created,
    updated: options.updated,
    saved: options.saved,
    origin: options.origin,
    payload: payloadOf(options.content, options.icon),
  };
  if (options.reasons) {
    notification.reasons = options.reasons;
  }
  return notification;
}

type NewNotificationRow = {
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
  reasons: string | null;
  text_id: string | null;
};

/** The columns of a new row a broadcast and a user's notification share (`newRowColumns`). */
const SHARED_INSERT_COLUMNS: Array<
  BulkColumn & { name: keyof ReturnType<typeof newRowColumns> }
> = [
  { name: 'id', pgType: 'uuid' },
  { name: 'origin', pgType: 'text' },
  { name: 'created', pgType: 'timestamptz' },
  { name: 'scope', pgType: 'text' },
  { name: 'icon', pgType: 'text' },
  { name: 'title', pgType: 'text' },
  { name: 'description', pgType: 'text' },
  { name: 'link', pgType: 'text' },
  { name: 'severity', pgType: 'text' },
  { name: 'topic', pgType: 'text' },
  { name: 'metadata', pgType: 'text' },
  { name: 'updated', pgType: 'timestamptz' },
];

/** The columns of a new notification row, as the bulk insert writes them. */
const INSERT_COLUMNS: Array<BulkColumn & { name: keyof NewNotificationRow }> = [
  ...SHARED_INSERT_COLUMNS,
  { name: 'user', pgType: 'text' },
  { name: 'reasons', pgType: 'text' },
];

const INSERT_COLUMNS_WITH_TEXT = [
  ...INSERT_COLUMNS,
  { name: 'text_id', pgType: 'uuid' } as const,
];

const TEXT_COLUMNS: BulkColumn[] = [
  { name: 'id', pgType: 'uuid' },
  { name: 'title', pgType: 'text' },
  { name: 'description', pgType: 'text' },
  { name: 'owner', pgType: 'text' },
];

type SendText = {
  id: string;
  title: string;
  description: string | null;
  /** The one user whose rows use the text, null once a second one does. */
  owner: string | null;
};

/**
 * The texts of a send's rows, for the search index of
 * `20261203j_search_texts`: one per distinct title and description, so the
 * index takes a send once rather than once per recipient. A text used by
 * one user names that user as its owner (`20261204a_text_owner`).
 */
class SendTexts {
  private readonly texts = new Map<string, SendText>();
  /**
   * The content asked about last and its text: the drafts of a send share
   * one content object unless a preProcess personalised them, so each
   * recipient after the first is a reference check, not a JSON key.
   */
  private last: { content: NotificationContent; text: SendText } | undefined;

  idFor(content: NotificationContent, users: string[]): string {
    let text = this.last?.content === content ? this.last.text : undefined;
    if (!text) {
      text = this.textOf(content, users[0]);
      this.last = { content, text };
    }
    const owner = text.owner;
    if (owner !== null && users.some(user => user !== owner)) {
      text.owner = null;
    }
    return text.id;
  }

  private textOf(content: NotificationContent, firstUser: string): SendText {
    const description = content.description ?? null;
    const key = JSON.stringify([content.title, description]);
    let text = this.texts.get(key);
    if (!text) {
      text = {
        id: timeOrderedUuid(),
        title: content.title,
        description,
        owner: firstUser,
      };
      this.texts.set(key, text);
    }
    return text;
  }

  get rows(): unknown[][] {
    return Array.from(this.texts.values(), text => [
      text.id,
      text.title,
      text.description,
      text.owner,
    ]);
  }
}

/** A user's notification as the pipeline prepared it, before storing. */
export type UserNotificationDraft = {
  id: string;
  user: string;
  content: NotificationContent;
  /** How the user was reached; unknown when unset. */
  reasons?: NotificationReason[];
};

/** A broadcast as the pipeline prepared it, before storing. */
type BroadcastDraft = {
  id: string;
  origin: string;
  content: NotificationContent;
  now: Date;
};

/**
 * Writes the rows of a send into the `notification` and `broadcast` tables,
 * inside the transaction the sender opened for the whole send.
 */
export class NotificationWriter {
  /**
   * @param options.searchTexts - whether the database keeps the search
   * index on `notification_text` (see `hasSearchTexts`)
   */
  constructor(private readonly options: { searchTexts?: boolean } = {}) {}

  private get insertColumns(): BulkColumn[] {
    return this.options.searchTexts ? INSERT_COLUMNS_WITH_TEXT : INSERT_COLUMNS;
  }

  private insertValues(row: NewNotificationRow): unknown[] {
    return this.insertColumns.map(
      column => row[column.name as keyof NewNotificationRow],
    );
  }

  /** The texts of this send, or none where the database keeps no texts. */
  private newTexts(): SendTexts | undefined {
    return this.options.searchTexts ? new SendTexts() : undefined;
  }

  /**
   * Stores a broadcast, or updates the broadcast with the same scope and
   * origin in place (its id, creation time, icon and the users' read state
   * are kept) and returns the stored row.
   */
  async storeBroadcast(
    tx: Knex.Transaction,
    options: BroadcastDraft,
  ): Promise<Notification> {
    const { origin, content, now } = options;
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
      const broadcast = newBroadcast(options);
      await tx('broadcast').insert(broadcast.row);
      stored = broadcast.notification;
    }
    return stored;
  }

  /**
   * The insert of a broadcast that has no scope, for the caller to run with
   * the rest of its send in one go (`runWritesTogether`), and the broadcast
   * it stores. Without a scope nothing earlier is replaced, so nothing has to
   * be read first.
   */
  unscopedBroadcastWrites(options: BroadcastDraft): {
    notification: Notification;
    writes: RowsInsert[];
  } {
    if (options.content.scope) {
      throw new Error('A scoped broadcast may replace an earlier one');
    }
    const { notification, row } = newBroadcast(options);
    return {
      notification,
      writes: [
        {
          table: 'broadcast',
          columns: SHARED_INSERT_COLUMNS,
          rows: [SHARED_INSERT_COLUMNS.map(column => row[column.name])],
        },
      ],
    };
  }

  /**
   * Stores one row per draft; a large send
   * calls it once per batch of recipients. With a scope, a user's earlier
   * notification of the same scope and origin is updated instead: new
   * content and reasons, `updated` set, back to unread and into the inbox
   * (not done, not snoozed), while saved, created, icon and id are kept.
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
      for (const userChunk of chunk(users, ROWS_PER_STATEMENT)) {
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
    const texts = this.newTexts();
    // Drafts usually share their content and reasons, so updates go in a few bulk statements.
    const updates = groupBy(
      drafts.filter(draft => existingByUser.has(draft.user)),
      draft => JSON.stringify([draft.content, draft.reasons]),
    );
    for (const group of updates.values()) {
      const ids = group.map(draft => existingByUser.get(draft.user)!.id);
      for (const idChunk of chunk(ids, ROWS_PER_STATEMENT)) {
        await tx('notification')
          .whereIn('id', idChunk)
          .update({
            ...replacedColumns(group[0].content, now),
            read: null,
            done: null,
            snoozed_until: null,
            reasons: serializeReasons(group[0].reasons),
            ...(texts
              ? {
                  text_id: texts.idFor(
                    group[0].content,
                    group.map(draft => draft.user),
                  ),
                }
              : {}),
          });
      }
    }

    const notifications = drafts.map(draft => {
      const { user, content, reasons } = draft;
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
          reasons,
        });
      }
      return newUserNotification(origin, draft, now);
    });

    const newRows = drafts
      .filter(draft => !existingByUser.has(draft.user))
      .map(draft => newUserRow(origin, draft, now, texts));
    if (texts) {
      await insertRows(tx, TEXT_TABLE, TEXT_COLUMNS, texts.rows);
    }
    await insertRows(
      tx,
      'notification',
      this.insertColumns,
      newRows.map(row => this.insertValues(row)),
    );
    return notifications;
  }

  /**
   * The inserts of drafts that have no scope, for the caller to run with the
   * rest of its send in one go (`runWritesTogether`), and the notifications
   * they store. Without a scope a draft never updates an earlier row, so
   * nothing has to be read first.
   */
  unscopedUserNotificationWrites(options: {
    origin: string;
    drafts: UserNotificationDraft[];
    now: Date;
  }): { notifications: Notification[]; writes: RowsInsert[] } {
    const { origin, drafts, now } = options;
    if (drafts.some(draft => draft.content.scope)) {
      throw new Error('A scoped draft may update an earlier notification');
    }
    const texts = this.newTexts();
    const rows: RowsInsert = {
      table: 'notification',
      columns: this.insertColumns,
      rows: drafts.map(draft =>
        this.insertValues(newUserRow(origin, draft, now, texts)),
      ),
    };
    return {
      notifications: drafts.map(draft =>
        newUserNotification(origin, draft, now),
      ),
      writes: texts
        ? [{ table: TEXT_TABLE, columns: TEXT_COLUMNS, rows: texts.rows }, rows]
        : [rows],
    };
  }
}

function newBroadcast(options: BroadcastDraft) {
  const { id, origin, content, now } = options;
  return {
    notification: toNotification({
      id,
      user: null,
      origin,
      content,
      created: now,
      icon: content.icon,
    }),
    row: newRowColumns(id, origin, content, now),
  };
}

function newUserNotification(
  origin: string,
  { id, user, content, reasons }: UserNotificationDraft,
  now: Date,
): Notification {
  return toNotification({
    id,
    user,
    origin,
    content,
    created: now,
    icon: content.icon,
    reasons,
  });
}

function newUserRow(
  origin: string,
  { id, user, content, reasons }: UserNotificationDraft,
  now: Date,
  texts: SendTexts | undefined,
): NewNotificationRow {
  return Object.assign(newRowColumns(id, origin, content, now), {
    user,
    reasons: serializeReasons(reasons),
    text_id: texts?.idFor(content, [user]) ?? null,
  });
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
