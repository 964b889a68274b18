import { SequencedSignal } from '../bus/types';
import { ReplayBuffers } from './ReplayBuffer';

const at = (channel: string, offset: number): SequencedSignal => ({
  channel,
  recipients: { type: 'broadcast' },
  message: { offset },
  offset,
});

const offsets = (result: ReturnType<ReplayBuffers['resume']>) =>
  result.kind === 'replay'
    ? { head: result.head, offsets: result.entries.map(e => e.signal.offset) }
    : result;

describe('ReplayBuffers', () => {
  it('refuses an offset it already remembers', () => {
    const buffers = new ReplayBuffers(10);
    expect(buffers.remember(at('c', 1))).toBe(true);
    expect(buffers.remember(at('c', 1))).toBe(false);
    expect(buffers.remember(at('d', 1))).toBe(true);
  });

  it('replays after an offset, or reports a gap once it was evicted', () => {
    const buffers = new ReplayBuffers(3);
    for (let offset = 1; offset <= 5; offset++) {
      buffers.remember(at('c', offset));
    }
    expect(offsets(buffers.resume('c', 3, 0))).toEqual({
      head: 5,
      offsets: [4, 5],
    });
    expect(offsets(buffers.resume('c', 2, 0))).toEqual({
      head: 5,
      offsets: [3, 4, 5],
    });
    expect(buffers.resume('c', 1, 0)).toEqual({ kind: 'gap', head: 5 });
    // Offsets this replica never reached: they restarted.
    expect(buffers.resume('c', 9, 0)).toEqual({ kind: 'gap', head: 5 });
  });

  it('answers a channel it has never seen by the client offset', () => {
    const buffers = new ReplayBuffers(3);
    expect(offsets(buffers.resume('new', null, 0))).toEqual({
      head: 0,
      offsets: [],
    });
    expect(offsets(buffers.resume('new', 0, 0))).toEqual({
      head: 0,
      offsets: [],
    });
    expect(buffers.resume('new', 4, 0)).toEqual({ kind: 'gap', head: 0 });
  });

  it('tells what arrived after a point, across channels', () => {
    const buffers = new ReplayBuffers(10);
    buffers.remember(at('c', 1));
    const connectedAt = buffers.arrival;
    buffers.remember(at('d', 1));
    buffers.remember(at('c', 2));
    expect(
      buffers.arrivedAfter('c', connectedAt).map(e => e.signal.offset),
    ).toEqual([2]);
    expect(offsets(buffers.resume('c', null, connectedAt))).toEqual({
      head: 2,
      offsets: [2],
    });
    expect(buffers.arrivedAfter('none', 0)).toEqual([]);
  });
});
