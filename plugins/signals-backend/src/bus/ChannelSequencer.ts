import { SequencedSignal } from './types';

type ChannelState = {
  /** The highest offset handed on, once a source that sees every commit has anchored the channel. */
  delivered?: number;
  /** Signals that arrived before one of their predecessors, by offset. */
  waiting: Map<number, SequencedSignal>;
  /** Since when the channel has been waiting for a missing offset. */
  stalledSince?: number;
};

/** A channel held back by an offset that has not arrived. */
export type StalledChannel = {
  channel: string;
  /** The last offset handed on, undefined while the channel is not anchored. */
  after?: number;
  /** The lowest offset waiting behind the gap. */
  before: number;
};

/**
 * Hands signals on in offset order per channel, whichever path brings them
 * first: the publishing replica's own insert, the NOTIFY listener or a log
 * read. Later offsets wait for earlier ones, so a resuming client never sees
 * an offset skipped; offsets already handed on are dropped.
 */
export class ChannelSequencer {
  private readonly channels = new Map<string, ChannelState>();

  constructor(private readonly deliver: (signal: SequencedSignal) => void) {}

  /** A sequencer that carries on after `history`, which was handed on already. */
  static after(
    history: SequencedSignal[],
    deliver: (signal: SequencedSignal) => void,
  ): ChannelSequencer {
    const sequencer = new ChannelSequencer(deliver);
    for (const signal of history) {
      sequencer.advanceTo(signal.channel, signal.offset);
    }
    return sequencer;
  }

  /** Whether `offset` of `channel` was already handed on. */
  has(channel: string, offset: number): boolean {
    const delivered = this.channels.get(channel)?.delivered;
    return delivered !== undefined && offset <= delivered;
  }

  /** The offset after the last one handed on, 1 for a channel not seen. */
  nextOffset(channel: string): number {
    return (this.channels.get(channel)?.delivered ?? 0) + 1;
  }

  /**
   * Learns where a channel stands from a source that sees commits in order
   * (the listener or the log): nothing before `offset` is still to come.
   */
  anchor(channel: string, offset: number) {
    const state = this.state(channel);
    if (state.delivered === undefined) {
      state.delivered = offset - 1;
      this.drain(state);
    }
  }

  /** Marks every offset up to `offset` as handed on, then drains. */
  advanceTo(channel: string, offset: number) {
    const state = this.state(channel);
    state.delivered = Math.max(state.delivered ?? 0, offset);
    for (const waiting of state.waiting.keys()) {
      if (waiting <= offset) {
        state.waiting.delete(waiting);
      }
    }
    this.drain(state);
  }

  offer(signal: SequencedSignal) {
    const state = this.state(signal.channel);
    if (state.delivered !== undefined && signal.offset <= state.delivered) {
      return;
    }
    state.waiting.set(signal.offset, signal);
    this.drain(state);
  }

  /** Channels that have waited for a missing offset since before `time`. */
  stalledSince(time: number): StalledChannel[] {
    const stalled: StalledChannel[] = [];
    for (const [channel, state] of this.channels) {
      if (state.stalledSince !== undefined && state.stalledSince <= time) {
        stalled.push({
          channel,
          after: state.delivered,
          before: Math.min(...state.waiting.keys()),
        });
      }
    }
    return stalled;
  }

  private state(channel: string): ChannelState {
    let state = this.channels.get(channel);
    if (!state) {
      state = { waiting: new Map() };
      this.channels.set(channel, state);
    }
    return state;
  }

  private drain(state: ChannelState) {
    if (state.delivered === undefined) {
      state.stalledSince ??= Date.now();
      return;
    }
    const from = state.delivered;
    for (;;) {
      const next = state.waiting.get(state.delivered + 1);
      if (!next) {
        break;
      }
      state.waiting.delete(next.offset);
      state.delivered = next.offset;
      this.deliver(next);
    }
    if (state.waiting.size === 0) {
      state.stalledSince = undefined;
    } else if (state.delivered !== from || state.stalledSince === undefined) {
      state.stalledSince = Date.now();
    }
  }
}
