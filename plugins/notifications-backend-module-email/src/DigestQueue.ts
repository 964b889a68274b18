import { Notification } from '@herald/plugin-notifications-common';
import { createHash, randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { DigestFrequency } from './config';
import { SendOutcome, recordSend } from './SentEmailLog';

const TABLE = 'notification_email_digest_queue';
const DESCRIPTION_SNIPPET_LENGTH = 280;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** What a digest shows of one notification, fixed when it is queued. */
export type DigestItem = {
  notificationId: string;
  title: string;
  description?: string;
  url: string;
  severity: string;
  created: string;
};

/** Rows claimed by one digest run for one address. */
export type DigestClaim = {
  token: string;
  address: string;
  items: DigestItem[];
};

/**
 * When a digest with something queued at `queuedAt` goes out: the next full
 * hour, or the next `dailyHourUtc` o'clock (UTC).
 */
export function digestDueAt(
  frequency: Exclude<DigestFrequency, 'instant'>,
  queuedAt: number,
  dailyHourUtc: number,
): number {
  if (frequency === 'hourly') {
    return Math.floor(queuedAt / HOUR_MS) * HOUR_MS + HOUR_MS;
  }
  const today = Math.floor(queuedAt / DAY_MS) * DAY_MS + dailyHourUtc * HOUR_MS;
  return today > queuedAt ? today : today + DAY_MS;
}

function snippet(description: string | undefined): string | undefined {
  const text = description?.replace(/\s+/g, ' ').trim();
  if (!text) {
    return undefined;
  }
  return text.length > DESCRIPTION_SNIPPET_LENGTH
    ? `${text.slice(0, DESCRIPTION_SNIPPET_LENGTH - 1)}…`
    : text;
}

/**
 * Oldest first, by the notification's own time: concurrent outbox workers
 * queue deliveries in whatever order they finish, so queue time is not send
 * order. Ids are time-ordered with a sequence, which settles sends made in
 * the same millisecond.
 */
function bySendOrder(a: DigestItem, b: DigestItem): number {
  const ascending = (left: string, right: string) =>
    left < right ? -1 : Number(left > right);
  return (
    ascending(a.created, b.created) ||
    ascending(a.notificationId, b.notificationId)
  );
}

function queueKey(deliveryId: string, address: string): string {
  return createHash('sha256').update(`${deliveryId}\n${address}`).digest('hex');
}

/**
 * Notifications waiting for a digest, one row per outbox delivery and
 * address. A digest run claims an address's due rows with a token and a
 * lease (one UPDATE, so two runs never hold the same row), sends, and marks
 * the rows sent in the transaction that records the send. A run that dies
 * before that leaves rows whose lease runs out, and the next run sends them.
 */
export class DigestQueue {
  constructor(private readonly knex: Knex) {}

  /** Queues a delivery for the given addresses; repeating it changes nothing. */
  async enqueue(options: {
    deliveryId: string;
    userRef: string;
    addresses: string[];
    notification: Notification;
    url: string;
    dueAt: number;
  }): Promise<void> {
    const { notification } = options;
    const item: DigestItem = {
      notificationId: notification.id,
      title: notification.payload.title,
      description: snippet(notification.payload.description),
      url: options.url,
      severity: notification.payload.severity ?? 'normal',
      created: new Date(notification.created).toISOString(),
    };
    const now = Date.now();
    await this.knex(TABLE)
      .insert(
        options.addresses.map(address => ({
          queue_key: queueKey(options.deliveryId, address),
          delivery_id: options.deliveryId,
          user_ref: options.userRef,
          address,
          item: JSON.stringify(item),
          queued_at: now,
          due_at: options.dueAt,
          status: 'queued',
        })),
      )
      .onConflict('queue_key')
      .ignore();
  }

  /** Addresses with rows due at `now` that no live claim holds. */
  async dueAddresses(now: number, limit: number): Promise<string[]> {
    const rows: Array<{ address: string }> = await this.claimable(now)
      .distinct('address')
      .orderBy('address')
      .limit(limit);
    return rows.map(row => row.address);
  }

  /** Claims the address's due rows until `now + leaseMs`; undefined when another run has them. */
  async claim(
    address: string,
    now: number,
    leaseMs: number,
  ): Promise<DigestClaim | undefined> {
    const token = randomUUID();
    await this.claimable(now)
      .where('address', address)
      .update({ claim_token: token, claimed_until: now + leaseMs });
    const rows: Array<{ item: string }> = await this.knex(TABLE)
      .where({ claim_token: token, status: 'queued' })
      .select('item');
    if (rows.length === 0) {
      return undefined;
    }
    const items: DigestItem[] = rows.map(row => JSON.parse(row.item));
    return { token, address, items: items.sort(bySendOrder) };
  }

  /**
   * Marks the claimed rows sent and records the send, together. A run whose
   * lease ran out and was claimed again finds no row left to mark.
   */
  async markSent(claim: DigestClaim, outcome: SendOutcome): Promise<number> {
    return this.knex.transaction(async trx => {
      const marked = await trx(TABLE)
        .where({ claim_token: claim.token, status: 'queued' })
        .update({ status: 'sent', sent_at: Date.now() });
      await recordSend(trx, {
        key: queueKey(`digest:${claim.token}`, claim.address),
        notificationId: `digest:${claim.token}`,
        address: claim.address,
        outcome,
      });
      return marked;
    });
  }

  /** Forgets sent rows older than the given age; returns how many. */
  async deleteSentOlderThan(ageMs: number): Promise<number> {
    return this.knex(TABLE)
      .where('status', 'sent')
      .andWhere('sent_at', '<', Date.now() - ageMs)
      .delete();
  }

  private claimable(now: number) {
    return this.knex(TABLE)
      .where('status', 'queued')
      .andWhere('due_at', '<=', now)
      .andWhere(q =>
        q.whereNull('claimed_until').orWhere('claimed_until', '<', now),
      );
  }
}
