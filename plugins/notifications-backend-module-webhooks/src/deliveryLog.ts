import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { createHash, randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const TABLE = 'notification_webhook_delivery';
/** Kept apart from the notifications backend's own migration history. */
const MIGRATIONS_TABLE = 'notification_webhook_knex_migrations';

export type WebhookDeliveryStatus = 'pending' | 'delivered';

/** One message to one endpoint, as operators see it. */
export type WebhookDelivery = {
  id: string;
  webhookId: string;
  notificationId: string;
  endpoint: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
};

/** The outcome of trying to take a delivery for one attempt. */
export type DeliveryClaim =
  | { kind: 'claimed'; token: string; body: string; webhookId: string }
  | { kind: 'finished' }
  /** Someone else is sending it, or the endpoint asked to wait until `until`. */
  | { kind: 'wait'; until: number }
  | { kind: 'missing' };

type Row = {
  delivery_key: string;
  webhook_id: string;
  notification_id: string;
  endpoint_id: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number | string;
  not_before: number | string;
  lease_until: number | string;
  last_status: number | null;
  last_error: string | null;
  created_at: number | string;
  updated_at: number | string;
};

export function deliveryKeyOf(webhookId: string, endpointId: string): string {
  return createHash('sha256')
    .update(`${webhookId}\n${endpointId}`)
    .digest('hex');
}

function toDelivery(row: Row): WebhookDelivery {
  return {
    id: row.delivery_key,
    webhookId: row.webhook_id,
    notificationId: row.notification_id,
    endpoint: row.endpoint_id,
    status: row.status,
    attempts: Number(row.attempts),
    lastStatus: row.last_status ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/**
 * Remembers, per (delivery, endpoint), the body to send and whether it
 * arrived, and leases the sending to one attempt at a time: in this process,
 * on other replicas, and across a restart. A lease outlives the request that
 * holds it, so a crashed sender's delivery is taken again once it runs out.
 */
export class WebhookDeliveryLog {
  static async create(database: DatabaseService): Promise<WebhookDeliveryLog> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@herald/plugin-notifications-backend-module-webhooks',
          'migrations',
        ),
        tableName: MIGRATIONS_TABLE,
      });
    }
    return new WebhookDeliveryLog(knex);
  }

  private constructor(
    private readonly knex: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the delivery unless it exists; the first body stays. */
  async open(fields: {
    key: string;
    webhookId: string;
    notificationId: string;
    endpointId: string;
    body: string;
  }): Promise<void> {
    const now = this.now();
    await this.knex(TABLE)
      .insert({
        delivery_key: fields.key,
        webhook_id: fields.webhookId,
        notification_id: fields.notificationId,
        endpoint_id: fields.endpointId,
        body: fields.body,
        status: 'pending',
        attempts: 0,
        not_before: 0,
        lease_until: 0,
        created_at: now,
        updated_at: now,
      })
      .onConflict('delivery_key')
      .ignore();
  }

  /**
   * Takes a pending delivery for `leaseMs`. `ignoreRetryAfter` is for an
   * operator's re-delivery, who decides that the endpoint is back.
   */
  async claim(
    key: string,
    leaseMs: number,
    ignoreRetryAfter = false,
  ): Promise<DeliveryClaim> {
    const now = this.now();
    const token = randomUUID();
    let update = this.knex(TABLE)
      .where('delivery_key', key)
      .andWhere('status', 'pending')
      .andWhere('lease_until', '<=', now);
    if (!ignoreRetryAfter) {
      update = update.andWhere('not_before', '<=', now);
    }
    const taken = await update.update({
      lease_token: token,
      lease_until: now + leaseMs,
      attempts: this.knex.raw('attempts + 1'),
      updated_at: now,
    });
    const row: Row | undefined = await this.knex(TABLE)
      .where('delivery_key', key)
      .first();
    if (!row) {
      return { kind: 'missing' };
    }
    if (taken === 1) {
      return {
        kind: 'claimed',
        token,
        body: row.body,
        webhookId: row.webhook_id,
      };
    }
    if (row.status !== 'pending') {
      return { kind: 'finished' };
    }
    return {
      kind: 'wait',
      until: Math.max(Number(row.not_before), Number(row.lease_until)),
    };
  }

  async markDelivered(key: string, token: string, status: number) {
    await this.knex(TABLE)
      .where({ delivery_key: key, lease_token: token })
      .update({
        status: 'delivered',
        lease_until: 0,
        lease_token: null,
        last_status: status,
        last_error: null,
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

  async get(key: string): Promise<WebhookDelivery | undefined> {
    const row: Row | undefined = await this.knex(TABLE)
      .where('delivery_key', key)
      .first();
    return row ? toDelivery(row) : undefined;
  }

  /** Deliveries with the given status, oldest first. */
  async list(options: {
    status: WebhookDeliveryStatus;
    endpoint?: string;
    limit: number;
  }): Promise<WebhookDelivery[]> {
    let query = this.knex(TABLE)
      .where('status', options.status)
      .orderBy('created_at')
      .orderBy('delivery_key')
      .limit(options.limit);
    if (options.endpoint) {
      query = query.andWhere('endpoint_id', options.endpoint);
    }
    const rows: Row[] = await query;
    return rows.map(toDelivery);
  }

  /** Forgets delivered messages older than the given age; returns how many. */
  async deleteDeliveredOlderThan(ageMs: number): Promise<number> {
    return this.knex(TABLE)
      .where('status', 'delivered')
      .andWhere('created_at', '<', this.now() - ageMs)
      .delete();
  }
}
