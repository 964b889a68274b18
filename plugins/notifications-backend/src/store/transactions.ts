import { Knex } from 'knex';
import { isBetterSqlite } from './sql';

/** Runs `work` in a transaction: all of its writes commit, or none do. */
export type Transact = <T>(
  work: (tx: Knex.Transaction) => Promise<T>,
) => Promise<T>;

/**
 * How the writes of sends get their transactions. On PostgreSQL and MySQL
 * each gets its own. On SQLite, see {@link GroupCommit}.
 */
export function createTransact(knex: Knex): Transact {
  if (isBetterSqlite(knex)) {
    return new GroupCommit(knex).transact;
  }
  return work => knex.transaction(work);
}

/** A group takes at most this many transactions... */
const MAX_GROUP_SIZE = 16;
/** ...and no new ones once it has been open this long, so its COMMIT is not put off. */
const MAX_GROUP_MS = 50;

type Waiting = {
  work: (tx: Knex.Transaction) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/**
 * SQLite has one writer, and better-sqlite3 runs every statement on the event
 * loop, so at a hundred sends a second the backend spends much of its time in
 * `COMMIT` (each writes every page its send touched to the write-ahead log)
 * and waiting for the single connection. Transactions that arrive while one
 * is being written therefore wait and go in together: one `BEGIN`, each in a
 * savepoint of its own, one `COMMIT`. Sends that touch the same pages (index
 * pages of the same users, the tables' last pages) write them once.
 *
 * Each caller keeps its own outcome. A transaction that fails rolls back to
 * its savepoint and rejects, and the others go on; the rest are resolved only
 * after the `COMMIT`, so nobody hears of a write that could still be lost. If
 * SQLite itself ends the transaction (it does on a full disk or an I/O
 * error), or the `COMMIT` fails, every caller of the group gets the error and
 * nothing of the group is written.
 */
class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly knex: Knex) {}

  readonly transact: Transact = work =>
    new Promise((resolve, reject) => {
      this.waiting.push({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (!this.writing) {
        void this.writeGroups();
      }
    });

  private async writeGroups() {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        await this.writeGroup();
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeGroup() {
    const group: Waiting[] = [];
    const outcomes: Array<() => void> = [];
    try {
      await this.knex.transaction(async tx => {
        const connection = (await tx.client.acquireConnection()) as {
          inTransaction: boolean;
        };
        const started = Date.now();
        // Whoever arrived while the connection was busy, or arrives while the
        // group is being written, joins the group until it is full.
        while (group.length < MAX_GROUP_SIZE && this.waiting.length > 0) {
          const entry = this.waiting.shift()!;
          group.push(entry);
          try {
            const value = await tx.transaction(entry.work);
            outcomes.push(() => entry.resolve(value));
          } catch (error) {
            if (!connection.inTransaction) {
              throw error;
            }
            outcomes.push(() => entry.reject(error));
          }
          if (
            this.waiting.length === 0 ||
            Date.now() - started >= MAX_GROUP_MS
          ) {
            break;
          }
          // A group's statements would otherwise run back to back in one
          // turn of the event loop; requests, timers and signals run between
          // its members (the connection stays with the group).
          await new Promise(resolve => setImmediate(resolve));
        }
      });
    } catch (error) {
      for (const entry of group.length > 0 ? group : this.waiting.splice(0)) {
        entry.reject(error);
      }
      return;
    }
    for (const settle of outcomes) {
      settle();
    }
  }
}
