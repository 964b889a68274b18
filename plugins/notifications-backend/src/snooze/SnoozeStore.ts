import { Knex } from 'knex';

/** A user's notification whose snooze ended. */
export type WokenNotification = { user: string; id: string };

/** A woken notification is back in the inbox, unread. */
const BACK_IN_INBOX = { snoozed_until: null, read: null, done: null };

/**
 * Ends up to `limit` due snoozes of one table. The rows are locked, and
 * skipped when another transaction holds them, so concurrent wakers take
 * disjoint rows; SQLite has one writer at a time and no row locks.
 */
async function endDue(
  tx: Knex.Transaction,
  table: 'notification' | 'broadcast_user_status',
  idColumn: 'id' | 'broadcast_id',
  now: Date,
  limit: number,
): Promise<WokenNotification[]> {
  const due = tx(table)
    .where('snoozed_until', '<=', now)
    .orderBy('snoozed_until')
    .limit(limit)
    .select({ id: idColumn, user: 'user' });
  const rows: WokenNotification[] = String(tx.client.config.client).includes(
    'sqlite',
  )
    ? await due
    : await due.forUpdate().skipLocked();
  if (rows.length > 0) {
    await tx(table)
      .whereIn(
        [idColumn, 'user'],
        rows.map(row => [row.id, row.user]),
      )
      .where('snoozed_until', '<=', now)
      .update(BACK_IN_INBOX);
  }
  return rows;
}

/** Ends snoozes whose time has come, on own notifications and broadcasts. */
export class SnoozeStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Ends up to `limit` due snoozes of own notifications and as many of
   * broadcasts, and returns them: unread and not done again. Each snooze is
   * ended by exactly one caller, whichever replica it runs on. `limit` keeps
   * a statement's bind values within every database's bounds at 500.
   */
  async endDueSnoozes(now: Date, limit: number): Promise<WokenNotification[]> {
    return await this.knex.transaction(async tx => [
      ...(await endDue(tx, 'notification', 'id', now, limit)),
      ...(await endDue(
        tx,
        'broadcast_user_status',
        'broadcast_id',
        now,
        limit,
      )),
    ]);
  }
}
