import { Notification } from '@herald/plugin-notifications-common';
import { recordDeliveryOnce } from '@herald/plugin-notifications-node';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';

/** The table keeps the name it shipped with; renaming it would buy nothing. */
const TABLE = 'notification_email_delivery';
const LOOKUP_CHUNK_SIZE = 500;

/** `delivered`: the server took the message; `rejected`: it refused the address for good. */
export type SendOutcome = 'delivered' | 'rejected';

/**
 * A scoped re-send keeps the notification id but sets `updated`, and must be
 * emailed again; the version tells the two sends apart. Dates may arrive as
 * strings after a round trip through the outbox.
 */
export function notificationVersion(notification: Notification): string {
  const stamp = notification.updated ?? notification.created;
  const date = new Date(stamp);
  return Number.isNaN(date.getTime()) ? String(stamp) : date.toISOString();
}

function sendKey(notification: Notification, address: string): string {
  return createHash('sha256')
    .update(
      `${notification.id}\n${notificationVersion(notification)}\n${address}`,
    )
    .digest('hex');
}

/**
 * Records one finished send; `db` may be a transaction, so that the record
 * commits together with whatever else the send settles.
 */
export async function recordSend(
  db: Knex,
  send: {
    key: string;
    notificationId: string;
    address: string;
    outcome: SendOutcome;
  },
): Promise<void> {
  await recordDeliveryOnce(db, TABLE, {
    delivery_key: send.key,
    notification_id: send.notificationId,
    address: send.address,
    outcome: send.outcome,
    created_at: Date.now(),
  });
}

/**
 * The log of emails sent: which (notification version, address) pairs are
 * finished, so that a retried postProcess only emails the addresses that have
 * not got the message yet.
 */
export class SentEmailLog {
  constructor(private readonly knex: Knex) {}

  /** The subset of `addresses` already finished for this notification. */
  async finishedAddresses(
    notification: Notification,
    addresses: string[],
  ): Promise<Set<string>> {
    const finished = new Set<string>();
    for (let i = 0; i < addresses.length; i += LOOKUP_CHUNK_SIZE) {
      const chunk = addresses.slice(i, i + LOOKUP_CHUNK_SIZE);
      const rows: Array<{ address: string }> = await this.knex(TABLE)
        .select('address')
        .whereIn(
          'delivery_key',
          chunk.map(address => sendKey(notification, address)),
        );
      for (const row of rows) {
        finished.add(row.address);
      }
    }
    return finished;
  }

  async recordFinished(
    notification: Notification,
    address: string,
    outcome: SendOutcome,
  ): Promise<void> {
    await recordSend(this.knex, {
      key: sendKey(notification, address),
      notificationId: notification.id,
      address,
      outcome,
    });
  }

  /** Forgets sends older than the given age; returns how many. */
  async deleteOlderThan(ageMs: number): Promise<number> {
    return this.knex(TABLE)
      .where('created_at', '<', Date.now() - ageMs)
      .delete();
  }
}
