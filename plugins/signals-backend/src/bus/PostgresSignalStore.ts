import { Knex } from 'knex';
import { PublishedSignal, SequencedSignal } from './types';

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
  signal?: PublishedSignal;
  channel?: string;
};

function toSignal(row: LogRow): SequencedSignal {
  return {
    ...(JSON.parse(row.payload) as PublishedSignal),
    offset: Number(row.channel_offset),
  };
}

/** The announcement's JSON is completed in SQL around the id and offset. */
function announcementTail(signal: PublishedSignal, payload: string): string {
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
   * Assigns the next offsets of their channels to a batch of signals, logs
   * them and notifies all listeners in one statement, so in one round trip
   * and one transaction. Each channel's offsets row stays locked until
   * commit, so offsets are committed in order; rows are locked in channel
   * order, so two batches never deadlock.
   *
   * The row lock serialises a channel's publishes, so the commit does not
   * wait for its WAL flush: with a flush inside the lock a busy channel
   * managed only a few hundred signals a second. A PostgreSQL crash (not a
   * clean stop) can therefore forget the last fraction of a second of
   * offsets; each signal's `floor`, the offset after the last one this
   * replica delivered on its channel, keeps a forgotten offset from being
   * handed out again.
   *
   * Resolves with the offsets, in the order of `batch`.
   */
  async publish(
    batch: Array<{ signal: PublishedSignal; floor: number }>,
  ): Promise<number[]> {
    const channels: string[] = [];
    const payloads: string[] = [];
    const tails: string[] = [];
    const floors: number[] = [];
    for (const { signal, floor } of batch) {
      const payload = JSON.stringify(signal);
      channels.push(signal.channel);
      payloads.push(payload);
      tails.push(announcementTail(signal, payload));
      floors.push(floor);
    }
    // Payloads and tails go as one text parameter each, not in an array
    // parameter: an array's text form escapes every quote of its elements,
    // and both sides then walk it again. For the 20 MB signal of a send to
    // 100,000 users, that made the insert 0.5 s slower. The payloads stay
    // out of the CTEs too, each of which would hold and sort a copy: the
    // insert takes each one straight from its parameter, by ordinal. With
    // them in the CTEs the statement took 89 ms for the 2 MB signal of a
    // send to 10,000 users, against 26 ms now; a batch of 200 small signals
    // takes 1 ms longer for the CASE.
    const tailTexts = `ARRAY[${batch.map(() => '?::text').join(', ')}]`;
    const payloadByOrdinal = `CASE numbered.ord ${batch
      .map((_, index) => `WHEN ${index + 1} THEN ?::text`)
      .join(' ')} END`;
    const result = await this.knex.raw(
      `WITH async_commit AS (
         SELECT set_config('synchronous_commit', 'off', true)
       ), input AS (
         SELECT * FROM unnest(?::text[], ${tailTexts}, ?::bigint[])
           WITH ORDINALITY AS i(channel, tail, floor, ord)
       ), counts AS (
         SELECT channel, count(*) AS n, max(floor) AS floor
         FROM input GROUP BY channel
       ), assigned AS (
         INSERT INTO signals_channel_offsets (channel, last_offset)
         SELECT channel, floor - 1 + n FROM counts, async_commit
         ORDER BY channel
         ON CONFLICT (channel) DO UPDATE
         SET last_offset = GREATEST(
           signals_channel_offsets.last_offset
             + (SELECT n FROM counts WHERE counts.channel = EXCLUDED.channel),
           EXCLUDED.last_offset)
         RETURNING channel, last_offset
       ), numbered AS (
         SELECT input.ord, input.channel, input.tail,
           assigned.last_offset - counts.n
             + row_number() OVER (PARTITION BY input.channel ORDER BY input.ord)
             AS channel_offset
         FROM input
         JOIN assigned ON assigned.channel = input.channel
         JOIN counts ON counts.channel = input.channel
       ), logged AS (
         INSERT INTO signals_log (channel, channel_offset, payload)
         SELECT channel, channel_offset, ${payloadByOrdinal}
         FROM numbered ORDER BY ord
         RETURNING id, channel, channel_offset
       )
       SELECT numbered.ord, logged.channel_offset, pg_notify(?,
         '{"id":"' || logged.id || '","offset":' || logged.channel_offset
           || numbered.tail)
       FROM logged
       JOIN numbered ON numbered.channel = logged.channel
         AND numbered.channel_offset = logged.channel_offset
       ORDER BY logged.id`,
      [channels, ...tails, floors, ...payloads, NOTIFY_CHANNEL],
    );
    const offsets: number[] = [];
    for (const row of result.rows) {
      offsets[Number(row.ord) - 1] = Number(row.channel_offset);
    }
    return offsets;
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
