import { SequencedSignal } from '../bus/types';
import { ReplayBuffers } from './ReplayBuffer';
import { approximateSignalBytes } from './signalBytes';

const unlimited = { maxBytes: Number.MAX_SAFE_INTEGER };

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
    const buffers = new ReplayBuffers({ bufferSize: 10, ...unlimited });
    expect(buffers.remember(at('c', 1))).toBe(true);
    expect(buffers.remember(at('c', 1))).toBe(false);
    expect(buffers.remember(at('d', 1))).toBe(true);
  });

  it('replays after an offset, or reports a gap once it was evicted', () => {
    const buffers = new ReplayBuffers({ bufferSize: 3, ...unlimited });
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
    const buffers = new ReplayBuffers({ bufferSize: 3, ...unlimited });
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
    const buffers = new ReplayBuffers({ bufferSize: 10, ...unlimited });
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

  describe('with a byte budget', () => {
    /** A broadcast whose message is `size` characters long. */
    const sized = (channel: string, offset: number, size: number) => ({
      ...at(channel, offset),
      message: { text: 'x'.repeat(size) },
    });
    const bytesOf = (signal: SequencedSignal) => approximateSignalBytes(signal);

    it('forgets the oldest signals of any channel once over budget', () => {
      const signal = sized('c', 1, 1000);
      const budget = bytesOf(signal) * 3;
      const buffers = new ReplayBuffers({ bufferSize: 100, maxBytes: budget });
      buffers.remember(sized('c', 1, 1000));
      buffers.remember(sized('d', 1, 1000));
      buffers.remember(sized('c', 2, 1000));
      expect(buffers.keptBytes).toBe(budget);
      buffers.remember(sized('d', 2, 1000));

      expect(buffers.keptBytes).toBe(budget);
      expect(buffers.resume('c', 0, 0)).toEqual({ kind: 'gap', head: 2 });
      expect(offsets(buffers.resume('c', 1, 0))).toEqual({
        head: 2,
        offsets: [2],
      });
      expect(offsets(buffers.resume('d', 0, 0))).toEqual({
        head: 2,
        offsets: [1, 2],
      });
    });

    it('keeps the newest signal even when it alone is over budget', () => {
      const buffers = new ReplayBuffers({ bufferSize: 100, maxBytes: 5000 });
      buffers.remember(sized('c', 1, 100));
      buffers.remember(sized('c', 2, 100));
      buffers.remember(sized('c', 3, 20_000));

      expect(offsets(buffers.resume('c', 2, 0))).toEqual({
        head: 3,
        offsets: [3],
      });
      expect(buffers.resume('c', 1, 0)).toEqual({ kind: 'gap', head: 3 });

      buffers.remember(sized('d', 1, 100));
      expect(buffers.resume('c', 2, 0)).toEqual({ kind: 'gap', head: 3 });
      expect(buffers.keptBytes).toBe(bytesOf(sized('d', 1, 100)));
    });

    it('counts what the per-channel count pushed out as gone', () => {
      const buffers = new ReplayBuffers({ bufferSize: 2, maxBytes: 1e9 });
      for (let offset = 1; offset <= 5; offset++) {
        buffers.remember(sized('c', offset, 100));
      }
      expect(buffers.keptBytes).toBe(2 * bytesOf(sized('c', 1, 100)));
    });

    it('tells a client resuming from its connection that it missed some', () => {
      const buffers = new ReplayBuffers({
        bufferSize: 100,
        maxBytes: bytesOf(sized('c', 1, 1000)) * 2,
      });
      buffers.remember(sized('c', 1, 1000));
      const connectedAt = buffers.arrival;
      buffers.remember(sized('c', 2, 1000));
      expect(offsets(buffers.resume('c', null, connectedAt))).toEqual({
        head: 2,
        offsets: [2],
      });

      buffers.remember(sized('c', 3, 1000));
      buffers.remember(sized('c', 4, 1000));
      expect(buffers.resume('c', null, connectedAt)).toEqual({
        kind: 'gap',
        head: 4,
      });
      expect(offsets(buffers.resume('c', null, buffers.arrival - 1))).toEqual({
        head: 4,
        offsets: [4],
      });
    });
  });
});
