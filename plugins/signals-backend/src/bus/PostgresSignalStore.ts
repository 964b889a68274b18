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

type LogRow = {
  id: string | number;
  channel: string;
  channel_offset: string | number;
  payload: string;
};

/** What a notification carries: the signal itself, or the id of its row. */
export type Announcement =
  | { id: string; signal: SequencedSignal }
  | { id: string; signal?: undefined };

function toSignal(row: LogRow): SequencedSignal {
  return {
    ...(JSON.parse(row.payload) as SignalPayload),
    offset: Number(row.channel_offset),
  };
}

/** SQL of the PostgreSQL signal bus. */
export class PostgresSignalStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Assigns the next offset of the channel, logs the signal and notifies all
   * listeners, in one transaction. The offsets row stays locked until commit,
   * so notifications of one channel are delivered in offset order.
   */
  async publish(signal: SignalPayload): Promise<void> {
    await this.knex.transaction(async tx => {
      const assigned = await tx.raw(
        `INSERT INTO signals_channel_offsets (channel, last_offset) VALUES (?, 1)
         ON CONFLICT (channel) DO UPDATE
         SET last_offset = signals_channel_offsets.last_offset + 1
         RETURNING last_offset`,
        [signal.channel],
      );
      const offset = Number(assigned.rows[0].last_offset);
      const payload = JSON.stringify(signal);
      const [row] = await tx('signals_log')
        .insert({
          channel: signal.channel,
          channel_offset: offset,
          payload,
        })
        .returning('id');
      const id = String(typeof row === 'object' ? row.id : row);
      const full = JSON.stringify({ id, signal: { ...signal, offset } });
      const announcement =
        Buffer.byteLength(full) <= MAX_NOTIFY_BYTES
          ? full
          : JSON.stringify({ id });
      await tx.raw('SELECT pg_notify(?, ?)', [NOTIFY_CHANNEL, announcement]);
    });
  }

  async read(id: string): Promise<SequencedSignal | undefined> {
    const row = await this.knex<LogRow>('signals_log').where({ id }).first();
    return row ? toSignal(row) : undefined;
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
