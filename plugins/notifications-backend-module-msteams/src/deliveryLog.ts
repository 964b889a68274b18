import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DeliveryLeaseResult,
  DeliveryLeases,
  LeasedDeliveryRow,
  migrateModuleDatabase,
} from '@herald/plugin-notifications-node';

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
  static async create(database: DatabaseService): Promise<TeamsDeliveryLog> {
    const knex = await migrateModuleDatabase(database, {
      packageName: '@herald/plugin-notifications-backend-module-msteams',
      migrationsTable: 'notification_msteams_knex_migrations',
    });
    return new TeamsDeliveryLog(knex, TABLE);
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
