import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  BulkColumn,
  chunk,
  insertRows,
  isBetterSqlite,
  isPostgres,
  ROWS_PER_STATEMENT,
  RowsInsert,
  runWritesInTransaction,
} from '../store/sql';
import { timeOrderedUuid } from '../store/ids';
import { deliveryIdOf } from './deliveryId';

const TABLE = 'notification_outbox';
const SENDS = 'notification_outbox_send';

/** One stored notification and the processors whose postProcess it awaits. */
export type OutboxDelivery = {
  notification: Notification;
  processors: string[];
};

/** One processor's postProcess of one notification, as a worker runs it. */
export type OutboxJob = {
  id: string;
  processor: string;
  notification: Notification;
  options: NotificationSendOptions;
  sendId: string;
  /** The same on every attempt; see `deliveryIdOf`. */
  deliveryId: string;
  /** Includes the attempt in progress. */
  attempts: number;
  /** When the job was queued, epoch milliseconds. */
  queuedAt: number;
  claimToken: string;
};

export type OutboxCounts = { pending: number; dead: number };

/** A dead job as operators see it. */
export type DeadOutboxJob = {
  id: string;
  processor: string;
  notificationId: string;
  user?: string;
  attempts: number;
  lastError?: string;
  queuedAt: number;
};

/** Adds the jobs of one send, inside the send's transaction. */
export interface OutboxSendWriter {
  add(deliveries: OutboxDelivery[]): Promise<void>;
  /**
   * The inserts that queue these deliveries, for the caller to run in the
   * send's transaction with its other writes (`runWritesInTransaction`).
   */
  writes(deliveries: OutboxDelivery[]): RowsInsert[];
  /** Jobs added so far. */
  readonly jobCount: number;
}

type OutboxRow = {
  id: string;
  send_id: string;
  processor: string;
  notification: string;
  attempts: number | string;
  available_at: number | string;
  created_at: number | string;
  locked_by: string;
  deliveries: number | string | null;
};

const JOB_COLUMNS = [
  'id',
  'send_id',
  'processor',
  'notification',
  'attempts',
  'available_at',
  'created_at',
  'locked_by',
  'deliveries',
];

type SendEntry = { options: NotificationSendOptions; shared: string };

/** Job rows per insert, so a large batch's jobs are not all in one statement. */
const INSERT_CHUNK = 5000;

const SEND_INSERT_COLUMNS: BulkColumn[] = [
  { name: 'id', pgType: 'text' },
  { name: 'options', pgType: 'text' },
  { name: 'notification', pgType: 'text' },
  { name: 'created_at', pgType: 'bigint' },
];

const JOB_INSERT_COLUMNS: BulkColumn[] = [
  { name: 'id', pgType: 'text' },
  { name: 'send_id', pgType: 'text' },
  { name: 'processor', pgType: 'text' },
  { name: 'notification', pgType: 'text' },
  { name: 'status', pgType: 'text' },
  { name: 'attempts', pgType: 'int' },
  { name: 'available_at', pgType: 'bigint' },
  { name: 'created_at', pgType: 'bigint' },
  { name: 'deliveries', pgType: 'int' },
];

/**
 * Deliveries per batch row at most: what one claim turns into jobs in one
 * transaction.
 */
const DELIVERIES_PER_BATCH = 1000;

/**
 * Sends whose options a worker keeps parsed. Jobs are claimed in the order
 * they were queued, so the jobs of one send mostly follow each other; a few
 * entries spare re-reading a large recipient list for every job.
 */
const SEND_CACHE_SIZE = 4;

/** The notification without its identity: what the jobs of a send share. */
function sharedJson(notification: Notification): string {
  return JSON.stringify({ ...notification, id: undefined, user: undefined });
}

/** Whether two values serialise to the same JSON. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (a instanceof Date && b instanceof Date) {
    return a.getTime() === b.getTime();
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return false;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether every key of `a` or `b`, apart from `skipped`, has the same JSON. */
function sameFields(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  compare: (key: string, x: unknown, y: unknown) => boolean,
  skipped: string[] = [],
): boolean {
  for (const key of Object.keys(a)) {
    if (!skipped.includes(key) && !compare(key, a[key], b[key])) {
      return false;
    }
  }
  for (const key of Object.keys(b)) {
    if (
      !(key in a) &&
      !skipped.includes(key) &&
      !compare(key, undefined, b[key])
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Whether `notification` serialises like `first` apart from id and user.
 * Field by field, since the notifications of a send usually share their
 * payload's values and serialising each one would cost more than the rest
 * of queuing it.
 */
function sameApartFromIdentity(
  first: Notification,
  notification: Notification,
) {
  return sameFields(
    first,
    notification,
    (key, a, b) =>
      key === 'payload' &&
      a &&
      b &&
      typeof a === 'object' &&
      typeof b === 'object'
        ? a === b ||
          sameFields(
            a as Record<string, unknown>,
            b as Record<string, unknown>,
            (_, x, y) => sameJson(x, y),
          )
        : sameJson(a, b),
    ['id', 'user'],
  );
}

/** One row of the outbox table, in the order of `JOB_INSERT_COLUMNS`. */
function jobRow(row: {
  sendId: string;
  processor: string;
  notification: string;
  availableAt: number;
  createdAt: number;
  deliveries: number | null;
}): unknown[] {
  return [
    timeOrderedUuid(),
    row.sendId,
    row.processor,
    row.notification,
    'pending',
    0,
    row.availableAt,
    row.createdAt,
    row.deliveries,
  ];
}

/**
 * The outbox rows of one send, built as its deliveries come in. The options
 * are written once, in the send's own row, with the first delivery that has
 * a processor; each job then holds only its notification's id and user, or
 * the whole notification when a preProcess made it differ from the first.
 *
 * A processor's deliveries go in batch rows of up to `DELIVERIES_PER_BATCH`,
 * which the worker turns into jobs when it claims them: a send writes one
 * outbox row per processor and thousand recipients, not one per delivery,
 * so its response does not wait for a second table of rows as large as the
 * notifications'.
 */
class SendRows {
  private readonly sendId = randomUUID();
  private first: Notification | undefined;
  private jobs = 0;

  constructor(
    private readonly options: NotificationSendOptions,
    private readonly createdAt: number,
  ) {}

  get jobCount() {
    return this.jobs;
  }

  /**
   * The send's row if these deliveries are its first jobs, and the rows that
   * queue them: per processor, one job, or batches of its deliveries.
   */
  add(deliveries: OutboxDelivery[]): {
    send?: unknown[];
    jobs: unknown[][];
  } {
    let send: unknown[] | undefined;
    const ownsByProcessor = new Map<string, string[]>();
    for (const { notification, processors } of deliveries) {
      if (processors.length === 0) {
        continue;
      }
      if (this.first === undefined) {
        this.first = notification;
        send = [
          this.sendId,
          JSON.stringify(this.options),
          sharedJson(notification),
          this.createdAt,
        ];
      }
      const own =
        notification === this.first ||
        sameApartFromIdentity(this.first, notification)
          ? JSON.stringify({ id: notification.id, user: notification.user })
          : JSON.stringify(notification);
      for (const processor of processors) {
        const owns = ownsByProcessor.get(processor);
        if (owns) {
          owns.push(own);
        } else {
          ownsByProcessor.set(processor, [own]);
        }
      }
    }
    const jobs: unknown[][] = [];
    for (const [processor, owns] of ownsByProcessor) {
      this.jobs += owns.length;
      for (const batch of chunk(owns, DELIVERIES_PER_BATCH)) {
        const single = batch.length === 1;
        jobs.push(
          jobRow({
            sendId: this.sendId,
            processor,
            notification: single ? batch[0] : `[${batch.join(',')}]`,
            availableAt: this.createdAt,
            createdAt: this.createdAt,
            deliveries: single ? null : batch.length,
          }),
        );
      }
    }
    return { send, jobs };
  }
}

function isBatch(row: OutboxRow): boolean {
  return row.deliveries !== null && row.deliveries !== undefined;
}

function reviveNotification(own: string, shared: string): Notification {
  const parsed = JSON.parse(own);
  // A job holds only id and user when the rest is the send's shared part.
  const raw =
    'payload' in parsed ? parsed : { ...parsed, ...JSON.parse(shared) };
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

/** Owns the SQL of the `notification_outbox` and `notification_outbox_send` tables. */
export class OutboxStore {
  private readonly sends = new Map<string, SendEntry>();

  constructor(
    private readonly knex: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts the jobs of one send inside the caller's transaction, so they
   * commit or roll back together with the notification rows they deliver.
   */
  openSend(
    trx: Knex.Transaction,
    options: NotificationSendOptions,
  ): OutboxSendWriter {
    const rows = new SendRows(options, this.now());
    const writes = (deliveries: OutboxDelivery[]): RowsInsert[] => {
      const { send, jobs } = rows.add(deliveries);
      return [
        ...(send
          ? [{ table: SENDS, columns: SEND_INSERT_COLUMNS, rows: [send] }]
          : []),
        ...chunk(jobs, INSERT_CHUNK).map(jobChunk => ({
          table: TABLE,
          columns: JOB_INSERT_COLUMNS,
          rows: jobChunk,
        })),
      ];
    };
    return {
      get jobCount() {
        return rows.jobCount;
      },
      writes,
      async add(deliveries) {
        await runWritesInTransaction(trx, writes(deliveries));
      },
    };
  }

  /**
   * The inserts that queue the jobs of a send, for the caller to run with the
   * send's other writes in one go (`runWritesTogether`).
   */
  sendWrites(
    options: NotificationSendOptions,
    deliveries: OutboxDelivery[],
  ): { writes: RowsInsert[]; jobCount: number } {
    const rows = new SendRows(options, this.now());
    const { send, jobs } = rows.add(deliveries);
    return {
      writes: send
        ? [
            { table: SENDS, columns: SEND_INSERT_COLUMNS, rows: [send] },
            { table: TABLE, columns: JOB_INSERT_COLUMNS, rows: jobs },
          ]
        : [],
      jobCount: rows.jobCount,
    };
  }

  /** Stores the jobs of one send in a transaction of its own. */
  async enqueue(
    options: NotificationSendOptions,
    deliveries: OutboxDelivery[],
  ): Promise<void> {
    await this.knex.transaction(trx =>
      this.openSend(trx, options).add(deliveries),
    );
  }

  /**
   * Takes up to `limit` due jobs for `leaseMs`. A job whose lease ran out (its
   * worker died) is due again. Each claim counts as an attempt, so a job that
   * keeps crashing its worker still ends up dead. Batches among the due rows
   * become their jobs first.
   */
  async claim(limit: number, leaseMs: number): Promise<OutboxJob[]> {
    const jobs: OutboxJob[] = [];
    while (jobs.length < limit) {
      const rows = await this.claimRows(limit - jobs.length, leaseMs);
      jobs.push(...(await this.toJobs(rows.filter(row => !isBatch(row)))));
      const batches = rows.filter(isBatch);
      if (batches.length === 0) {
        break;
      }
      try {
        for (const batch of batches) {
          await this.expandBatch(batch);
        }
      } catch (error) {
        await this.release(jobs);
        throw error;
      }
    }
    return jobs;
  }

  /**
   * Turns a claimed batch into its jobs, due when the batch was, in one
   * transaction with the batch's removal: a worker that dies midway leaves
   * the batch to the next claimer once its lease runs out, and one whose
   * lease ran out meanwhile adds nothing.
   */
  private async expandBatch(batch: OutboxRow): Promise<void> {
    const owns: unknown[] = JSON.parse(batch.notification);
    const rows = owns.map(own =>
      jobRow({
        sendId: batch.send_id,
        processor: batch.processor,
        notification: JSON.stringify(own),
        availableAt: Number(batch.available_at),
        createdAt: Number(batch.created_at),
        deliveries: null,
      }),
    );
    await this.knex.transaction(async trx => {
      const taken = await trx(TABLE)
        .where({ id: batch.id, locked_by: batch.locked_by })
        .delete();
      if (taken === 0) {
        return;
      }
      for (const part of chunk(rows, INSERT_CHUNK)) {
        await insertRows(trx, TABLE, JOB_INSERT_COLUMNS, part);
      }
    });
  }

  private async claimRows(
    limit: number,
    leaseMs: number,
  ): Promise<OutboxRow[]> {
    const now = this.now();
    const claimToken = randomUUID();
    const lease = {
      locked_by: claimToken,
      locked_until: now + leaseMs,
      attempts: this.knex.raw('attempts + 1'),
    };
    const due = (query: Knex.QueryBuilder, statusUnindexed = false) =>
      (statusUnindexed
        ? query.whereRaw(`+?? = ?`, ['status', 'pending'])
        : query.where('status', 'pending')
      )
        .andWhere('available_at', '<=', now)
        .andWhere(q =>
          q.whereNull('locked_until').orWhere('locked_until', '<=', now),
        );

    let rows: OutboxRow[];
    if (isPostgres(this.knex)) {
      // SKIP LOCKED lets concurrent instances take disjoint rows without waiting on each other.
      rows = await this.knex(TABLE)
        .update(lease)
        .whereIn('id', sub =>
          due(sub.select('id').from(TABLE))
            .orderBy('available_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(JOB_COLUMNS);
    } else {
      // The update re-checks the due condition, so of two racing claimers only one wins a row.
      const candidates = await due(this.knex(TABLE).select('id'))
        .orderBy('available_at')
        .limit(limit);
      if (candidates.length === 0) {
        return [];
      }
      const ids = candidates.map((row: { id: string }) => row.id);
      // A unary plus keeps `status` out of SQLite's choice of index, so the
      // re-check reads the few ids by primary key. Through the due index it
      // read every pending job: 26 ms a claim with 100,000 pending, which
      // slowed the drain of a large send to a fifth. MySQL would read the
      // plus as a cast to a number, under which every status is equal.
      await due(
        this.knex(TABLE).update(lease).whereIn('id', ids),
        isBetterSqlite(this.knex),
      );
      rows = await this.knex(TABLE)
        .select(JOB_COLUMNS)
        .whereIn('id', ids)
        .andWhere('locked_by', claimToken);
    }
    return rows;
  }

  private async toJobs(rows: OutboxRow[]): Promise<OutboxJob[]> {
    const sends = await this.loadSends(rows.map(row => row.send_id));
    const jobs: OutboxJob[] = [];
    for (const row of rows) {
      const send = sends.get(row.send_id);
      if (!send) {
        await this.markDead(
          { id: row.id, claimToken: row.locked_by },
          `The send of this job (${row.send_id}) is gone`,
        );
        continue;
      }
      const notification = reviveNotification(row.notification, send.shared);
      jobs.push({
        id: row.id,
        processor: row.processor,
        notification,
        options: send.options,
        sendId: row.send_id,
        deliveryId: deliveryIdOf(notification, row.processor),
        attempts: Number(row.attempts),
        queuedAt: Number(row.created_at),
        claimToken: row.locked_by,
      });
    }
    return jobs;
  }

  /** The options and shared notification of the given sends, cached. */
  private async loadSends(ids: string[]): Promise<Map<string, SendEntry>> {
    const found = new Map<string, SendEntry>();
    const missing = new Set<string>();
    for (const id of ids) {
      const cached = this.sends.get(id);
      if (cached) {
        found.set(id, cached);
      } else {
        missing.add(id);
      }
    }
    if (missing.size > 0) {
      const rows: Array<{ id: string; options: string; notification: string }> =
        await this.knex(SENDS)
          .select('id', 'options', 'notification')
          .whereIn('id', [...missing]);
      for (const row of rows) {
        const entry = {
          options: JSON.parse(row.options),
          shared: row.notification,
        };
        found.set(row.id, entry);
        this.sends.set(row.id, entry);
      }
    }
    // Most recently used last; the oldest go first.
    for (const [id, entry] of found) {
      this.sends.delete(id);
      this.sends.set(id, entry);
    }
    for (const id of this.sends.keys()) {
      if (this.sends.size <= SEND_CACHE_SIZE) {
        break;
      }
      this.sends.delete(id);
    }
    return found;
  }

  /**
   * Removes a delivered job, unless another worker took it over meanwhile,
   * and the send's options once no job of the send is left. Dead jobs keep
   * their send, for operators to inspect.
   */
  async complete(
    job: Pick<OutboxJob, 'id' | 'claimToken' | 'sendId'>,
  ): Promise<void> {
    const deleted = await this.knex(TABLE)
      .where({ id: job.id, locked_by: job.claimToken })
      .delete();
    if (deleted === 0) {
      return;
    }
    const sendGone = await this.knex(SENDS)
      .where('id', job.sendId)
      .whereNotExists(
        this.knex(TABLE).select('id').where('send_id', job.sendId),
      )
      .delete();
    if (sendGone > 0) {
      this.sends.delete(job.sendId);
    }
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

  /**
   * Reschedules a job whose processor deferred it, giving back the attempt
   * its claim counted: a deferral never brings a job closer to dead.
   */
  async defer(job: OutboxJob, error: string, delayMs: number) {
    await this.knex(TABLE)
      .where({ id: job.id, locked_by: job.claimToken })
      .update({
        available_at: this.now() + delayMs,
        attempts: this.knex.raw('attempts - 1'),
        locked_by: null,
        locked_until: null,
        last_error: error,
      });
  }

  async markDead(job: Pick<OutboxJob, 'id' | 'claimToken'>, error: string) {
    await this.knex(TABLE)
      .where({ id: job.id, locked_by: job.claimToken })
      .update({
        status: 'dead',
        locked_by: null,
        locked_until: null,
        last_error: error,
      });
  }

  /** Dead jobs, oldest first. */
  async listDead(options: {
    limit: number;
    offset: number;
  }): Promise<DeadOutboxJob[]> {
    const rows: Array<{
      id: string;
      processor: string;
      notification: string;
      attempts: number | string;
      last_error: string | null;
      created_at: number | string;
    }> = await this.knex(TABLE)
      .select(
        'id',
        'processor',
        'notification',
        'attempts',
        'last_error',
        'created_at',
      )
      .where('status', 'dead')
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(options.limit)
      .offset(options.offset);
    return rows.map(row => {
      // The job's own part always names the notification and its user.
      const own: { id: string; user?: string | null } = JSON.parse(
        row.notification,
      );
      return {
        id: row.id,
        processor: row.processor,
        notificationId: own.id,
        ...(own.user ? { user: own.user } : {}),
        attempts: Number(row.attempts),
        ...(row.last_error ? { lastError: row.last_error } : {}),
        queuedAt: Number(row.created_at),
      };
    });
  }

  /**
   * Makes dead jobs pending again with a fresh attempt budget, due at once:
   * the given ids, or every dead job. Returns how many were re-queued; ids
   * of jobs that are not dead are left alone.
   */
  async requeueDead(ids?: string[]): Promise<number> {
    const requeue = (query: Knex.QueryBuilder) =>
      query.where('status', 'dead').update({
        status: 'pending',
        attempts: 0,
        // Queued anew: deferrals measure their backoff from here.
        created_at: this.now(),
        available_at: this.now(),
        locked_by: null,
        locked_until: null,
      });
    if (!ids) {
      return await requeue(this.knex(TABLE));
    }
    let count = 0;
    for (const part of chunk(ids, ROWS_PER_STATEMENT)) {
      count += await requeue(this.knex(TABLE).whereIn('id', part));
    }
    return count;
  }

  /** Deliveries by status, counting each of a batch's. */
  async counts(): Promise<OutboxCounts> {
    const rows: Array<{ status: string; count: number | string }> =
      await this.knex(TABLE)
        .select(
          'status',
          this.knex.raw('sum(coalesce(??, 1)) as ??', ['deliveries', 'count']),
        )
        .groupBy('status');
    const count = (status: string) =>
      Number(rows.find(row => row.status === status)?.count ?? 0);
    return { pending: count('pending'), dead: count('dead') };
  }
}
