import {
  DeliveryLeaseResult,
  DeliveryLeases,
  LeasedDeliveryRow,
} from '@herald/plugin-notifications-node';
import { Knex } from 'knex';

const TABLE = 'notification_msteams_delivery';

type TeamsDeliveryRow = LeasedDeliveryRow & {
  notification_id: string;
  target: string;
};

/**
 * Remembers, per delivery key, whether a card was posted (`delivered`) or
 * refused for good (`rejected`), and leases the posting to one attempt at a
 * time.
 */
export class TeamsDeliveryLog extends DeliveryLeases<TeamsDeliveryRow> {
  constructor(knex: Knex) {
    super(knex, TABLE);
  }

  /** Records the delivery unless it exists, then takes it for `leaseMs`. */
  async claim(
    key: string,
    fields: { notificationId: string; target: string },
    leaseMs: number,
  ): Promise<DeliveryLeaseResult<TeamsDeliveryRow>> {
    await this.open(key, {
      notification_id: fields.notificationId,
      target: fields.target,
    });
    return this.take(key, leaseMs);
  }

  /** Forgets deliveries older than the given age; returns how many. */
  async deleteOlderThan(ageMs: number): Promise<number> {
    return this.knex(this.table)
      .where('created_at', '<', this.now() - ageMs)
      .delete();
  }
}
