import { Knex } from 'knex';
import { SignalPayload } from '@herald/plugin-signals-node';
import { SequencedSignal } from './types';

/** The NOTIFY channel all replicas listen on. */
export const NOTIFY_CHANNEL = 'herald_signals';

/**
 * NOTIFY payloads must stay below 8000 bytes; larger signals are announced by
 * id and read from the log table.
 */
const MAX_NOTIFY_BYTES = 7900;

/** Room for the id, offset and keys an announcement wraps around a signal. */
const ANNOUNCEMENT_OVERHEAD_BYTES = 100;

/** Ids per log read, to keep one read's rows and query text bounded. */
const MAX_IDS_PER_READ = 500;

type LogRow = {
  id: string | number;
  channel: string;
  channel_offset: string | number;
  payload: string;
};

/**
 * What a notification carries: the signal itself; or, for a signal too large
 * for NOTIFY, its channel so a replica that already has it skips the read;
 * or only its id when even the channel name is too large.
 */
export type Announcement = {
  id: string;
  offset: number;
  signal?: SignalPayload;
  channel?: string;
};

function toSignal(row: LogRow): SequencedSignal {
  return {
    ...(JSON.parse(row.payload) as SignalPayload),
    offset: Number(row.channel_offset),
  };
}

/** The announcement's JSON is completed in SQL around the id and offset. */
function announcementTail(signal: SignalPayload, payload: string): string {
  if (
    Buffer.byteLength(payload) + ANNOUNCEMENT_OVERHEAD_BYTES <=
    MAX_NOTIFY_BYTES
  ) {
    return `,"signal":${payload}}`;
  }
  const channel = JSON.stringify(signal.channel);
  if (
    Buffer.byteLength(channel) + ANNOUNCEMENT_OVERHEAD_BYTES <=
    MAX_NOTIFY_BYTES
  ) {
    return `,"channel":${channel}}`;
  }
  return '}';
}

/** SQL of the PostgreSQL signal bus. */
export class PostgresSignalStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Assigns the next offset of the channel, logs the signal and notifies all
   * listeners in one statement, so in one round trip and one transaction.
   * The offsets row stays locked until commit, so the notifications of one
   * channel are delivered in offset order.
   *
   * The row lock serialises a channel's publishes, so the commit does not
   * wait for its WAL flush: with a flush inside the lock a busy channel
   * managed only a few hundred signals a second. A PostgreSQL crash (not a
   * clean stop) can therefore forget the last fraction of a second of
   * offsets; `floor`, the offset after the last one this replica delivered,
   * keeps a forgotten offset from being handed out again.
   */
  async publish(signal: SignalPayload, floor: number): Promise<number> {
    const payload = JSON.stringify(signal);
    const result = await this.knex.raw(
      `WITH assigned AS (
         INSERT INTO signals_channel_offsets (channel, last_offset)
         SELECT ?, ?
         FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
         ON CONFLICT (channel) DO UPDATE
         SET last_offset = GREATEST(
           signals_channel_offsets.last_offset + 1, EXCLUDED.last_offset)
         RETURNING last_offset
       ), logged AS (
         INSERT INTO signals_log (channel, channel_offset, payload)
         SELECT ?, last_offset, ? FROM assigned
         RETURNING id, channel_offset
       )
       SELECT channel_offset,
         pg_notify(?, '{"id":"' || id || '","offset":' || channel_offset || ?)
       FROM logged`,
      [
        signal.channel,
        floor,
        signal.channel,
        payload,
        NOTIFY_CHANNEL,
        announcementTail(signal, payload),
      ],
    );
    return Number(result.rows[0].channel_offset);
  }

  /** Logged signals by id, in offset order per channel. */
  async read(ids: string[]): Promise<SequencedSignal[]> {
    const signals: SequencedSignal[] = [];
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_READ) {
      const rows = await this.knex<LogRow>('signals_log')
        .whereIn('id', ids.slice(start, start + MAX_IDS_PER_READ))
        .orderBy('id');
      signals.push(...rows.map(toSignal));
    }
    return signals;
  }

  /** Logged signals of a channel with offsets strictly between two bounds. */
  async between(
    channel: string,
    after: number,
    before: number,
  ): Promise<SequencedSignal[]> {
    const rows = await this.knex<LogRow>('signals_log')
      .where({ channel })
      .andWhere('channel_offset', '>', after)
      .andWhere('channel_offset', '<', before)
      .orderBy('channel_offset');
    return rows.map(toSignal);
  }

  /** Signals logged since a point in time, in commit order per channel. */
  async since(time: Date): Promise<SequencedSignal[]> {
    const rows = await this.knex<LogRow>('signals_log')
      .where('created_at', '>', time)
      .orderBy('id');
    return rows.map(toSignal);
  }

  async deleteOlderThan(time: Date): Promise<void> {
    await this.knex('signals_log').where('created_at', '<', time).delete();
  }
}
