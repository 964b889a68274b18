import {
  DeliveryLeases,
  LeasedDeliveryRow,
} from '@herald/plugin-notifications-node';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';

const TABLE = 'notification_webhook_delivery';

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

type Row = LeasedDeliveryRow & {
  webhook_id: string;
  notification_id: string;
  endpoint_id: string;
  body: string;
  status: WebhookDeliveryStatus;
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
 * arrived (`delivered`), and leases the sending to one attempt at a time.
 */
export class WebhookDeliveryLog extends DeliveryLeases<Row> {
  constructor(knex: Knex) {
    super(knex, TABLE);
  }

  /** Records the delivery unless it exists; the first body stays. */
  async record(fields: {
    key: string;
    webhookId: string;
    notificationId: string;
    endpointId: string;
    body: string;
  }): Promise<void> {
    await this.open(fields.key, {
      webhook_id: fields.webhookId,
      notification_id: fields.notificationId,
      endpoint_id: fields.endpointId,
      body: fields.body,
    });
  }

  async get(key: string): Promise<WebhookDelivery | undefined> {
    const row: Row | undefined = await this.knex(this.table)
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
    let query = this.knex(this.table)
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

  /**
   * Forgets delivered messages older than the given age; pending ones stay
   * for operators to re-deliver. Returns how many went.
   */
  async deleteOlderThan(ageMs: number): Promise<number> {
    return this.knex(this.table)
      .where('status', 'delivered')
      .andWhere('created_at', '<', this.now() - ageMs)
      .delete();
  }
}
