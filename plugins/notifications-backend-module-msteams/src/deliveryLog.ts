import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const TABLE = 'notification_msteams_delivery';
/** Kept apart from the notifications backend's own migration history. */
const MIGRATIONS_TABLE = 'notification_msteams_knex_migrations';

/** The outcome of trying to take a delivery for one attempt. */
export type DeliveryClaim =
  | { kind: 'claimed'; token: string }
  | { kind: 'finished' }
  /** Someone else is posting it, or the webhook asked to wait until `until`. */
  | { kind: 'wait'; until: number };

/**
 * Remembers, per delivery key, whether a card was posted, and leases the
 * posting to one attempt at a time: in this process, on other replicas, and
 * across a restart. A lease outlives the request that holds it, so a crashed
 * poster's delivery is taken again once its lease runs out.
 */
export class TeamsDeliveryLog {
  static async create(database: DatabaseService): Promise<TeamsDeliveryLog> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@herald/plugin-notifications-backend-module-msteams',
          'migrations',
        ),
        tableName: MIGRATIONS_TABLE,
      });
    }
    return new TeamsDeliveryLog(knex);
  }

  private constructor(
    private readonly knex: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(
    key: string,
    fields: { notificationId: string; target: string },
    leaseMs: number,
  ): Promise<DeliveryClaim> {
    const now = this.now();
    await this.knex(TABLE)
      .insert({
        delivery_key: key,
        notification_id: fields.notificationId,
        target: fields.target,
        status: 'pending',
        attempts: 0,
        not_before: 0,
        lease_until: 0,
        created_at: now,
        updated_at: now,
      })
      .onConflict('delivery_key')
      .ignore();
    const token = randomUUID();
    const taken = await this.knex(TABLE)
      .where('delivery_key', key)
      .andWhere('status', 'pending')
      .andWhere('lease_until', '<=', now)
      .andWhere('not_before', '<=', now)
      .update({
        lease_token: token,
        lease_until: now + leaseMs,
        attempts: this.knex.raw('attempts + 1'),
        updated_at: now,
      });
    if (taken === 1) {
      return { kind: 'claimed', token };
    }
    const row = await this.knex(TABLE)
      .select('status', 'not_before', 'lease_until')
      .where('delivery_key', key)
      .first();
    if (!row || row.status !== 'pending') {
      return { kind: 'finished' };
    }
    return {
      kind: 'wait',
      until: Math.max(Number(row.not_before), Number(row.lease_until)),
    };
  }

  /** Records the end of a delivery: posted, or refused for good. */
  async finish(
    key: string,
    token: string,
    outcome: 'delivered' | 'rejected',
    lastStatus?: number,
    lastError?: string,
  ): Promise<void> {
    await this.knex(TABLE)
      .where({ delivery_key: key, lease_token: token })
      .update({
        status: outcome,
        lease_until: 0,
        lease_token: null,
        last_status: lastStatus ?? null,
        last_error: lastError ?? null,
        updated_at: this.now(),
      });
  }

  /** Hands a failed attempt back, not to be tried before `notBefore`. */
  async release(
    key: string,
    token: string,
    failure: { status?: number; error: string; notBefore: number },
  ): Promise<void> {
    await this.knex(TABLE)
      .where({ delivery_key: key, lease_token: token })
      .update({
        lease_until: 0,
        lease_token: null,
        not_before: failure.notBefore,
        last_status: failure.status ?? null,
        last_error: failure.error.slice(0, 2000),
        updated_at: this.now(),
      });
  }

  /** Forgets deliveries older than the given age; returns how many. */
  async deleteOlderThan(ageMs: number): Promise<number> {
    return this.knex(TABLE)
      .where('created_at', '<', this.now() - ageMs)
      .delete();
  }
}
