import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

/**
 * Records a delivery under its `delivery_key` unless one is recorded
 * already, in which case the first record stays. `db` may be a transaction.
 *
 * @public
 */
export async function recordDeliveryOnce(
  db: Knex,
  table: string,
  row: { delivery_key: string } & Record<string, unknown>,
): Promise<void> {
  await db(table).insert(row).onConflict('delivery_key').ignore();
}

/**
 * The columns a leased delivery table has, besides its own: times are
 * epoch milliseconds, `status` is `pending` until the delivery ends.
 *
 * @public
 */
export type LeasedDeliveryRow = {
  delivery_key: string;
  status: string;
  attempts: number | string;
  not_before: number | string;
  lease_until: number | string;
  last_status: number | null;
  last_error: string | null;
  created_at: number | string;
  updated_at: number | string;
};

/**
 * What taking a delivery for one attempt found.
 *
 * @public
 */
export type DeliveryLeaseResult<TRow extends LeasedDeliveryRow> =
  /** Ours for the lease; `token` settles it. */
  | { kind: 'taken'; token: string; row: TRow }
  /** Delivered, or refused for good, before. */
  | { kind: 'finished' }
  /** Another attempt holds the lease, or the receiver asked to wait, until `until`. */
  | { kind: 'wait'; until: number }
  | { kind: 'missing' };

/** Errors are kept to this length; receivers' answers can be long. */
const MAX_ERROR_LENGTH = 2000;

/**
 * Leases the deliveries in a channel module's table to one attempt at a
 * time: in this process, on other replicas, and across a restart. A lease
 * outlives the request that holds it, so a crashed attempt's delivery is
 * taken again once its lease runs out, and a receiver's `Retry-After` is
 * kept as `not_before` for every replica to honour. Only the holder of a
 * lease, known by its token, can settle it.
 *
 * @public
 */
export class DeliveryLeases<TRow extends LeasedDeliveryRow> {
  constructor(
    /** For a module's own queries on its table. */
    protected readonly knex: Knex,
    /** The delivery table. */
    protected readonly table: string,
    /** The clock, in epoch milliseconds. */
    protected readonly now: () => number = Date.now,
  ) {}

  /**
   * Records a pending delivery unless its key is recorded; `fields` are the
   * table's own columns.
   */
  async open(key: string, fields: Record<string, unknown>): Promise<void> {
    const now = this.now();
    await recordDeliveryOnce(this.knex, this.table, {
      ...fields,
      delivery_key: key,
      status: 'pending',
      attempts: 0,
      not_before: 0,
      lease_until: 0,
      created_at: now,
      updated_at: now,
    });
  }

  /**
   * Takes a pending delivery for `leaseMs` and counts the attempt.
   * `ignoreNotBefore` is for an operator who decides the receiver is back.
   */
  async take(
    key: string,
    leaseMs: number,
    options: { ignoreNotBefore?: boolean } = {},
  ): Promise<DeliveryLeaseResult<TRow>> {
    const now = this.now();
    const token = randomUUID();
    let free = this.knex(this.table)
      .where('delivery_key', key)
      .andWhere('status', 'pending')
      .andWhere('lease_until', '<=', now);
    if (!options.ignoreNotBefore) {
      free = free.andWhere('not_before', '<=', now);
    }
    const taken = await free.update({
      lease_token: token,
      lease_until: now + leaseMs,
      attempts: this.knex.raw('attempts + 1'),
      updated_at: now,
    });
    const row: TRow | undefined = await this.knex(this.table)
      .where('delivery_key', key)
      .first();
    if (!row) {
      return { kind: 'missing' };
    }
    if (taken === 1) {
      return { kind: 'taken', token, row };
    }
    if (row.status !== 'pending') {
      return { kind: 'finished' };
    }
    return {
      kind: 'wait',
      until: Math.max(Number(row.not_before), Number(row.lease_until)),
    };
  }

  /** Ends a delivery for good with the given status, e.g. `delivered`. */
  async finish(
    key: string,
    token: string,
    status: string,
    last: { status?: number; error?: string } = {},
  ): Promise<void> {
    await this.settle(key, token, {
      status,
      last_status: last.status ?? null,
      last_error: last.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
    });
  }

  /** Hands a failed attempt back, not to be tried before `notBefore`. */
  async release(
    key: string,
    token: string,
    failure: { status?: number; error: string; notBefore: number },
  ): Promise<void> {
    await this.settle(key, token, {
      not_before: failure.notBefore,
      last_status: failure.status ?? null,
      last_error: failure.error.slice(0, MAX_ERROR_LENGTH),
    });
  }

  private async settle(
    key: string,
    token: string,
    fields: Record<string, unknown>,
  ): Promise<void> {
    await this.knex(this.table)
      .where({ delivery_key: key, lease_token: token })
      .update({
        ...fields,
        lease_until: 0,
        lease_token: null,
        updated_at: this.now(),
      });
  }
}

/**
 * How long channel modules keep their delivery records. Retries end long
 * before this; the records only need to outlive them.
 *
 * @public
 */
export const DELIVERY_RECORD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Schedules the daily removal of a module's old delivery records, on one
 * replica at a time. `deleteOlderThan` gets the retention and returns how
 * many records went; the count is logged as `Removed <n> old <what>`.
 *
 * @public
 */
export async function scheduleDeliveryRecordCleanup(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  /** The task id; keep it once shipped, a new id orphans the old task. */
  id: string;
  what: string;
  deleteOlderThan: (retentionMs: number) => Promise<number>;
}): Promise<void> {
  const { scheduler, logger, what, deleteOlderThan } = options;
  await scheduler.scheduleTask({
    id: options.id,
    frequency: { hours: 24 },
    timeout: { minutes: 15 },
    initialDelay: { hours: 1 },
    scope: 'global',
    fn: async () => {
      const deleted = await deleteOlderThan(DELIVERY_RECORD_RETENTION_MS);
      logger.info(`Removed ${deleted} old ${what}`);
    },
  });
}
