import { SequencedSignal } from '../bus/types';

/** A signal as the hub remembers it. */
export type BufferedSignal = {
  signal: SequencedSignal;
  /** Arrival order on this replica across all channels. */
  arrival: number;
};

type ReplayResult =
  | { kind: 'replay'; entries: BufferedSignal[]; head: number }
  | { kind: 'gap'; head: number };

/**
 * The last `capacity` signals of one channel, as a ring so appending never
 * copies.
 */
class ReplayBuffer {
  private readonly ring: BufferedSignal[] = [];
  private start = 0;
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** The highest offset seen on the channel. */
  get headOffset() {
    return this.head;
  }

  /**
   * Remembers a signal. Returns false for an offset at or below the head, a
   * duplicate the bus delivered twice (for example after a listener
   * reconnect), which must not be delivered again.
   */
  append(entry: BufferedSignal): boolean {
    if (entry.signal.offset <= this.head) {
      return false;
    }
    this.head = entry.signal.offset;
    if (this.ring.length < this.capacity) {
      this.ring.push(entry);
    } else {
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
    return true;
  }

  private *entries(): Iterable<BufferedSignal> {
    for (let i = 0; i < this.ring.length; i++) {
      yield this.ring[(this.start + i) % this.ring.length];
    }
  }

  /** Signals after `offset`, or a gap when some of them were evicted. */
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
    const oldest = this.ring.length
      ? this.ring[this.start].signal.offset
      : head + 1;
    if (oldest > offset + 1) {
      return { kind: 'gap', head };
    }
    const entries: BufferedSignal[] = [];
    for (const entry of this.entries()) {
      if (entry.signal.offset > offset) {
        entries.push(entry);
      }
    }
    return { kind: 'replay', entries, head };
  }

  /** Signals that arrived on this replica after `arrival`. */
  arrivedAfter(arrival: number): BufferedSignal[] {
    const entries: BufferedSignal[] = [];
    for (const entry of this.entries()) {
      if (entry.arrival > arrival) {
        entries.push(entry);
      }
    }
    return entries;
  }
}

/**
 * Replay bookkeeping for all channels: a {@link ReplayBuffer} per channel and
 * the replica-wide arrival counter that tells which signals reached this
 * replica after a connection opened.
 */
export class ReplayBuffers {
  private readonly buffers = new Map<string, ReplayBuffer>();
  private arrivals = 0;

  constructor(private readonly capacity: number) {}

  /** The arrival counter now; signals remembered later arrive after it. */
  get arrival() {
    return this.arrivals;
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
   * earlier. Returns false for one already remembered, which must not be
   * delivered again.
   */
  remember(signal: SequencedSignal, arrival = this.nextArrival()): boolean {
    let buffer = this.buffers.get(signal.channel);
    if (!buffer) {
      buffer = new ReplayBuffer(this.capacity);
      this.buffers.set(signal.channel, buffer);
    }
    return buffer.append({ signal, arrival });
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
      return {
        kind: 'replay',
        entries: buffer.arrivedAfter(connectArrival),
        head: buffer.headOffset,
      };
    }
    return buffer.since(offset);
  }

  /** Signals of a channel that arrived on this replica after `arrival`. */
  arrivedAfter(channel: string, arrival: number): BufferedSignal[] {
    return this.buffers.get(channel)?.arrivedAfter(arrival) ?? [];
  }
}
