import { SequencedSignal } from '../bus/types';
import { approximateSignalBytes } from './signalBytes';

/** A signal as the hub remembers it. */
export type BufferedSignal = {
  signal: SequencedSignal;
  /** Arrival order on this replica across all channels. */
  arrival: number;
};

/**
 * A remembered signal, linked into the replica-wide list of all of them in
 * the order they were remembered, which is the order the byte budget
 * forgets them in.
 */
type Remembered = BufferedSignal & {
  bytes: number;
  channel: ReplayBuffer;
  older?: Remembered;
  newer?: Remembered;
};

type ReplayResult =
  | { kind: 'replay'; entries: BufferedSignal[]; head: number }
  | { kind: 'gap'; head: number };

/**
 * The last signals of one channel, oldest first: at most `capacity`, fewer
 * once the replica's byte budget forgot older ones. An array with a moving
 * start, compacted when half of it is behind the start, so forgetting the
 * oldest is as cheap as appending.
 */
class ReplayBuffer {
  private entries: Array<Remembered | undefined> = [];
  private start = 0;
  private head = 0;
  /** The latest arrival among the signals forgotten so far. */
  private forgottenArrival = 0;

  constructor(private readonly capacity: number) {}

  /** The highest offset seen on the channel. */
  get headOffset() {
    return this.head;
  }

  /**
   * Remembers a signal and answers the one the capacity pushed out, if any.
   * Returns false for an offset at or below the head, a duplicate the bus
   * delivered twice (for example after a listener reconnect), which must not
   * be delivered again.
   */
  append(entry: Remembered): false | { pushedOut?: Remembered } {
    if (entry.signal.offset <= this.head) {
      return false;
    }
    this.head = entry.signal.offset;
    this.entries.push(entry);
    return {
      pushedOut:
        this.entries.length - this.start > this.capacity
          ? this.forgetOldest()
          : undefined,
    };
  }

  /** Forgets the oldest signal kept. */
  forgetOldest(): Remembered | undefined {
    const oldest = this.entries[this.start];
    if (!oldest) {
      return undefined;
    }
    // Released now: a signal to thousands of users is megabytes.
    this.entries[this.start++] = undefined;
    this.forgottenArrival = Math.max(this.forgottenArrival, oldest.arrival);
    if (this.start * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
    return oldest;
  }

  private *kept(): Iterable<Remembered> {
    for (let i = this.start; i < this.entries.length; i++) {
      yield this.entries[i]!;
    }
  }

  /** Signals after `offset`, or a gap when some of them were forgotten. */
  since(offset: number): ReplayResult {
    const head = this.head;
    if (offset > head) {
      // The client saw offsets this channel never reached here: the offsets
      // restarted (an in-memory bus after a restart), so nothing can be
      // trusted.
      return { kind: 'gap', head };
    }
    if (offset === head) {
      return { kind: 'replay', entries: [], head };
    }
    const oldest = this.entries[this.start]?.signal.offset ?? head + 1;
    if (oldest > offset + 1) {
      return { kind: 'gap', head };
    }
    const entries: BufferedSignal[] = [];
    for (const entry of this.kept()) {
      if (entry.signal.offset > offset) {
        entries.push(entry);
      }
    }
    return { kind: 'replay', entries, head };
  }

  /**
   * Signals that arrived on this replica after `arrival`; a gap when one of
   * them was forgotten already.
   */
  arrivedSince(arrival: number): ReplayResult {
    if (this.forgottenArrival > arrival) {
      return { kind: 'gap', head: this.head };
    }
    return {
      kind: 'replay',
      entries: this.arrivedAfter(arrival),
      head: this.head,
    };
  }

  /** Signals kept that arrived on this replica after `arrival`. */
  arrivedAfter(arrival: number): BufferedSignal[] {
    const entries: BufferedSignal[] = [];
    for (const entry of this.kept()) {
      if (entry.arrival > arrival) {
        entries.push(entry);
      }
    }
    return entries;
  }
}

/**
 * Replay bookkeeping for all channels: a {@link ReplayBuffer} per channel,
 * the replica-wide arrival counter that tells which signals reached this
 * replica after a connection opened, and the byte budget of all channels
 * together. The count per channel alone would let memory grow without
 * bound: a signal to 100,000 users is about 20 MB of JSON, and a thousand
 * of them fit in one channel's count; so would a thousand small signals on
 * each of thousands of channels.
 */
export class ReplayBuffers {
  private readonly buffers = new Map<string, ReplayBuffer>();
  private arrivals = 0;
  private bytes = 0;
  private oldest?: Remembered;
  private newest?: Remembered;

  constructor(
    private readonly limits: {
      /** Signals kept per channel. */
      bufferSize: number;
      /** Approximate JSON bytes kept across all channels. */
      maxBytes: number;
    },
  ) {}

  /** The arrival counter now; signals remembered later arrive after it. */
  get arrival() {
    return this.arrivals;
  }

  /** Approximate JSON bytes of all signals kept. */
  get keptBytes() {
    return this.bytes;
  }

  /**
   * The next arrival, for a signal that reaches some connections before the
   * bus has it.
   */
  nextArrival(): number {
    return ++this.arrivals;
  }

  /**
   * Remembers a signal from the bus, as arriving now or at an arrival taken
   * earlier, and forgets the oldest signals of any channel while the kept
   * ones exceed the byte budget; the newest is kept whatever its size, so
   * the clients that missed it while reconnecting still get it. Returns
   * false for one already remembered, which must not be delivered again.
   */
  remember(signal: SequencedSignal, arrival = this.nextArrival()): boolean {
    let channel = this.buffers.get(signal.channel);
    if (!channel) {
      channel = new ReplayBuffer(this.limits.bufferSize);
      this.buffers.set(signal.channel, channel);
    }
    const entry: Remembered = {
      signal,
      arrival,
      bytes: approximateSignalBytes(signal),
      channel,
    };
    const appended = channel.append(entry);
    if (!appended) {
      return false;
    }
    if (appended.pushedOut) {
      this.unlink(appended.pushedOut);
    }
    this.link(entry);
    while (this.bytes > this.limits.maxBytes && this.oldest !== entry) {
      const oldest = this.oldest!;
      oldest.channel.forgetOldest();
      this.unlink(oldest);
    }
    return true;
  }

  /**
   * What a subscribe with an offset gets: the signals after `offset`, or for
   * `null` those that arrived after `connectArrival`, and the channel head;
   * or a gap when they can no longer all be replayed.
   */
  resume(
    channel: string,
    offset: number | null,
    connectArrival: number,
  ): ReplayResult {
    const buffer = this.buffers.get(channel);
    if (!buffer) {
      // Nothing was published on the channel since this replica started:
      // a client that saw an offset saw one from before a restart.
      return offset
        ? { kind: 'gap', head: 0 }
        : { kind: 'replay', entries: [], head: 0 };
    }
    if (offset === null) {
      return buffer.arrivedSince(connectArrival);
    }
    return buffer.since(offset);
  }

  /** Signals of a channel kept that arrived on this replica after `arrival`. */
  arrivedAfter(channel: string, arrival: number): BufferedSignal[] {
    return this.buffers.get(channel)?.arrivedAfter(arrival) ?? [];
  }

  private link(entry: Remembered) {
    entry.older = this.newest;
    if (this.newest) {
      this.newest.newer = entry;
    } else {
      this.oldest = entry;
    }
    this.newest = entry;
    this.bytes += entry.bytes;
  }

  private unlink(entry: Remembered) {
    if (entry.older) {
      entry.older.newer = entry.newer;
    } else {
      this.oldest = entry.newer;
    }
    if (entry.newer) {
      entry.newer.older = entry.older;
    } else {
      this.newest = entry.older;
    }
    entry.older = undefined;
    entry.newer = undefined;
    this.bytes -= entry.bytes;
  }
}
