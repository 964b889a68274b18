import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';

const TABLE = 'notification_outbox';

/** What a worker needs to call one processor's postProcess later. */
export type OutboxJobInput = {
  processor: string;
  notification: Notification;
  options: NotificationSendOptions;
};

export type OutboxJob = OutboxJobInput & {
  id: string;
  /** Includes the attempt in progress. */
  attempts: number;
  claimToken: string;
};

export type OutboxCounts = { pending: number; dead: number };

type OutboxRow = {
  id: string;
  processor: string;
  notification: string;
  options: string;
  attempts: number | string;
  locked_by: string;
};

/** Rows per insert statement, well below every database's bind limit. */
const INSERT_CHUNK = 500;

function reviveNotification(json: string): Notification {
  const raw = JSON.parse(json);
  const date = (value: unknown) =>
    value === undefined || value === null ? undefined : new Date(String(value));
  return {
    ...raw,
    created: new Date(raw.created),
    read: date(raw.read),
    saved: date(raw.saved),
    updated: date(raw.updated),
  };
}

/** Owns the SQL of the `notification_outbox` table. */
export class OutboxStore {
  constructor(
    private readonly knex: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores jobs inside the caller's transaction, so they commit or roll back
   * together with the notification rows they deliver.
   */
  async enqueue(
    trx: Knex | Knex.Transaction,
    jobs: OutboxJobInput[],
  ): Promise<void> {
    const now = this.now();
    const rows = jobs.map(job => ({
      id: randomUUID(),
      processor: job.processor,
      notification: JSON.stringify(job.notification),
      options: JSON.stringify(job.options),
      status: 'pending',
      attempts: 0,
      available_at: now,
      created_at: now,
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx(TABLE).insert(rows.slice(i, i + INSERT_CHUNK));
    }
  }

  /**
   * Takes up to `limit` due jobs for `leaseMs`. A job whose lease ran out (its
   * worker died) is due again. Each claim counts as an attempt, so a job that
   * keeps crashing its worker still ends up dead.
   */
  async claim(limit: number, leaseMs: number): Promise<OutboxJob[]> {
    const now = this.now();
    const claimToken = randomUUID();
    const lease = {
      locked_by: claimToken,
      locked_until: now + leaseMs,
      attempts: this.knex.raw('attempts + 1'),
    };
    const due = (query: Knex.QueryBuilder) =>
      query
        .where('status', 'pending')
        .andWhere('available_at', '<=', now)
        .andWhere(q =>
          q.whereNull('locked_until').orWhere('locked_until', '<=', now),
        );

    let rows: OutboxRow[];
    if (this.knex.client.config.client === 'pg') {
      // SKIP LOCKED lets concurrent instances take disjoint batches without waiting on each other.
      rows = await this.knex(TABLE)
        .update(lease)
        .whereIn('id', sub =>
          due(sub.select('id').from(TABLE))
            .orderBy('available_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning([
          'id',
          'processor',
          'notification',
          'options',
          'attempts',
          'locked_by',
        ]);
    } else {
      // The update re-checks the due condition, so of two racing claimers only one wins a row.
      const candidates = await due(this.knex(TABLE).select('id'))
        .orderBy('available_at')
        .limit(limit);
      if (candidates.length === 0) {
        return [];
      }
      const ids = candidates.map((row: { id: string }) => row.id);
      await due(this.knex(TABLE).update(lease).whereIn('id', ids));
      rows = await this.knex(TABLE)
        .select(
          'id',
          'processor',
          'notification',
          'options',
          'attempts',
          'locked_by',
        )
        .whereIn('id', ids)
        .andWhere('locked_by', claimToken);
    }
    return rows.map(row => ({
      id: row.id,
      processor: row.processor,
      notification: reviveNotification(row.notification),
      options: JSON.parse(row.options),
      attempts: Number(row.attempts),
      claimToken: row.locked_by,
    }));
  }

  /** Removes a delivered job, unless another worker took it over meanwhile. */
  async complete(job: OutboxJob): Promise<void> {
    await this.knex(TABLE)
      .where({ id: job.id, locked_by: job.claimToken })
      .delete();
  }

  /** Gives back claimed jobs that were never attempted, due at once. */
  async release(jobs: OutboxJob[]): Promise<void> {
    for (const job of jobs) {
      await this.knex(TABLE)
        .where({ id: job.id, locked_by: job.claimToken })
        .update({
          locked_by: null,
          locked_until: null,
          attempts: this.knex.raw('attempts - 1'),
        });
    }
  }

  async retryLater(job: OutboxJob, error: string, delayMs: number) {
    await this.knex(TABLE)
      .where({ id: job.id, locked_by: job.claimToken })
      .update({
        available_at: this.now() + delayMs,
        locked_by: null,
        locked_until: null,
        last_error: error,
      });
  }

  async markDead(job: OutboxJob, error: string) {
    await this.knex(TABLE)
      .where({ id: job.id, locked_by: job.claimToken })
      .update({
        status: 'dead',
        locked_by: null,
        locked_until: null,
        last_error: error,
      });
  }

  async counts(): Promise<OutboxCounts> {
    const rows: Array<{ status: string; count: number | string }> =
      await this.knex(TABLE)
        .select('status')
        .count({ count: '*' })
        .groupBy('status');
    const count = (status: string) =>
      Number(rows.find(row => row.status === status)?.count ?? 0);
    return { pending: count('pending'), dead: count('dead') };
  }
}
