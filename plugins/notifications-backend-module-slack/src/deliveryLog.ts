import { recordDeliveryOnce } from '@herald/plugin-notifications-node';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';

const DELIVERY_TABLE = 'notification_slack_delivery';
const MESSAGE_TABLE = 'notification_slack_message';

export function hashKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** What a post attempt finds in the log for its key. */
export type DeliveryClaim =
  /** Posted (or given up on for good) before: nothing to do. */
  | { kind: 'done' }
  /** Another delivery owns this post (a channel several recipients share). */
  | { kind: 'owned-elsewhere' }
  /** Ours to post; `uncertain` when an earlier post may have reached Slack. */
  | { kind: 'mine'; uncertain: boolean; claimedAt: number };

type DeliveryRow = {
  owner: string;
  state: string;
  uncertain: boolean | number;
  claimed_at: string | number;
};

/**
 * The delivery log: which (delivery, target) posts are done, in progress or
 * possibly done, so that retries of a delivery post each message once.
 */
export class SlackDeliveryLog {
  constructor(private readonly knex: Knex) {}

  /**
   * Takes the post for `key` unless it is done or belongs to another
   * delivery. The insert is atomic, so of several deliveries sharing a key
   * exactly one owns it, and it alone retries it until it is done.
   */
  async claim(
    key: string,
    owner: string,
    notificationId: string,
    target: string,
  ): Promise<DeliveryClaim> {
    const now = Date.now();
    await recordDeliveryOnce(this.knex, DELIVERY_TABLE, {
      delivery_key: key,
      notification_id: notificationId,
      target: target.slice(0, 255),
      owner,
      state: 'posting',
      uncertain: false,
      claimed_at: now,
      created_at: now,
    });
    const row: DeliveryRow | undefined = await this.knex(DELIVERY_TABLE)
      .where('delivery_key', key)
      .first('owner', 'state', 'uncertain', 'claimed_at');
    if (!row) {
      throw new Error(`Slack delivery ${key} vanished while claiming it`);
    }
    if (row.state !== 'posting') {
      return { kind: 'done' };
    }
    if (row.owner !== owner) {
      return { kind: 'owned-elsewhere' };
    }
    return {
      kind: 'mine',
      uncertain: Boolean(row.uncertain),
      claimedAt: Number(row.claimed_at),
    };
  }

  /** Set before calling Slack; cleared when Slack certainly did not post. */
  async setUncertain(key: string, uncertain: boolean): Promise<void> {
    await this.knex(DELIVERY_TABLE)
      .where({ delivery_key: key, state: 'posting' })
      .update({ uncertain });
  }

  async finish(
    key: string,
    outcome: 'posted' | 'skipped',
    message?: { channel: string; ts: string },
  ): Promise<void> {
    await this.knex(DELIVERY_TABLE)
      .where('delivery_key', key)
      .update({
        state: outcome,
        uncertain: false,
        channel: message?.channel ?? null,
        ts: message?.ts ?? null,
      });
  }

  async scopedMessage(
    scopeKey: string,
  ): Promise<{ channel: string; ts: string } | undefined> {
    const row = await this.knex(MESSAGE_TABLE)
      .where('scope_key', scopeKey)
      .first('channel', 'ts');
    return row ? { channel: row.channel, ts: row.ts } : undefined;
  }

  async rememberScopedMessage(
    scopeKey: string,
    message: { channel: string; ts: string },
  ): Promise<void> {
    await this.knex(MESSAGE_TABLE)
      .insert({ scope_key: scopeKey, ...message, created_at: Date.now() })
      .onConflict('scope_key')
      .merge(['channel', 'ts', 'created_at']);
  }

  /** Forgets finished deliveries and scoped messages older than `ageMs`. */
  async deleteOlderThan(ageMs: number): Promise<number> {
    const before = Date.now() - ageMs;
    const deliveries = await this.knex(DELIVERY_TABLE)
      .where('created_at', '<', before)
      .whereNot('state', 'posting')
      .delete();
    const messages = await this.knex(MESSAGE_TABLE)
      .where('created_at', '<', before)
      .delete();
    return deliveries + messages;
  }
}
