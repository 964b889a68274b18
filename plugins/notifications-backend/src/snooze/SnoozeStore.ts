import { Knex } from 'knex';
import { ROWS_PER_STATEMENT, chunk } from '../store/sql';

/** A user's notification whose snooze ended. */
export type WokenNotification = { user: string; id: string };

/**
 * Takes the rows of `query` for this transaction: locked, and skipped when
 * another transaction holds them, so concurrent wakers take disjoint rows.
 * SQLite has one writer at a time and no row locks.
 */
function lockedRows(tx: Knex.Transaction, query: Knex.QueryBuilder) {
  return String(tx.client.config.client).includes('sqlite')
    ? query
    : query.forUpdate().skipLocked();
}

/** Ends snoozes whose time has come, on own notifications and broadcasts. */
export class SnoozeStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Ends up to `limit` due snoozes of each table and returns them. A woken
   * notification is back in the inbox as unread: done is cleared too. Each
   * snooze is ended by exactly one caller, whichever replica it runs on.
   */
  async endDueSnoozes(now: Date, limit: number): Promise<WokenNotification[]> {
    return await this.knex.transaction(async tx => {
      const woken: WokenNotification[] = [];
      const backInInbox = { snoozed_until: null, read: null, done: null };

      const own: WokenNotification[] = await lockedRows(
        tx,
        tx('notification')
          .where('snoozed_until', '<=', now)
          .orderBy('snoozed_until')
          .limit(limit)
          .select('id', 'user'),
      );
      for (const rows of chunk(own, ROWS_PER_STATEMENT)) {
        await tx('notification')
          .whereIn(
            'id',
            rows.map(row => row.id),
          )
          .where('snoozed_until', '<=', now)
          .update(backInInbox);
      }
      woken.push(...own);

      const broadcasts: Array<{ broadcast_id: string; user: string }> =
        await lockedRows(
          tx,
          tx('broadcast_user_status')
            .where('snoozed_until', '<=', now)
            .orderBy('snoozed_until')
            .limit(limit)
            .select('broadcast_id', 'user'),
        );
      for (const rows of chunk(broadcasts, ROWS_PER_STATEMENT)) {
        await tx('broadcast_user_status')
          .whereIn(
            ['broadcast_id', 'user'],
            rows.map(row => [row.broadcast_id, row.user]),
          )
          .where('snoozed_until', '<=', now)
          .update(backInInbox);
      }
      woken.push(
        ...broadcasts.map(row => ({ user: row.user, id: row.broadcast_id })),
      );
      return woken;
    });
  }
}
