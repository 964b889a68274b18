import { ChannelSequencer } from './ChannelSequencer';
import { SequencedSignal } from './types';

const signal = (offset: number, channel = 'c'): SequencedSignal => ({
  channel,
  offset,
  recipients: { type: 'broadcast' },
  message: { offset },
});

function sequencer() {
  const delivered: string[] = [];
  const instance = new ChannelSequencer(s =>
    delivered.push(`${s.channel}:${s.offset}`),
  );
  return { instance, delivered };
}

describe('ChannelSequencer', () => {
  it('holds later offsets until the earlier ones arrive, and drops repeats', () => {
    const { instance, delivered } = sequencer();
    instance.anchor('c', 1);
    instance.offer(signal(3));
    instance.offer(signal(2));
    expect(delivered).toEqual([]);
    instance.offer(signal(1));
    instance.offer(signal(2));
    instance.offer(signal(4));
    expect(delivered).toEqual(['c:1', 'c:2', 'c:3', 'c:4']);
  });

  it('keeps channels independent', () => {
    const { instance, delivered } = sequencer();
    instance.anchor('a', 5);
    instance.anchor('b', 1);
    instance.offer(signal(6, 'a'));
    instance.offer(signal(1, 'b'));
    instance.offer(signal(5, 'a'));
    expect(delivered).toEqual(['b:1', 'a:5', 'a:6']);
  });

  it('waits for an anchor before handing on a channel it has not seen', () => {
    const { instance, delivered } = sequencer();
    instance.offer(signal(8));
    expect(delivered).toEqual([]);
    expect(instance.stalledSince(Date.now())).toEqual([
      { channel: 'c', after: undefined, before: 8 },
    ]);
    instance.anchor('c', 7);
    expect(delivered).toEqual([]);
    instance.offer(signal(7));
    expect(delivered).toEqual(['c:7', 'c:8']);
    expect(instance.stalledSince(Date.now())).toEqual([]);
  });

  it('reports a gap as stalled and skips it when told to', () => {
    const { instance, delivered } = sequencer();
    instance.anchor('c', 1);
    instance.offer(signal(1));
    instance.offer(signal(4));
    instance.offer(signal(5));
    expect(instance.stalledSince(Date.now() - 60_000)).toEqual([]);
    expect(instance.stalledSince(Date.now())).toEqual([
      { channel: 'c', after: 1, before: 4 },
    ]);
    instance.advanceTo('c', 3);
    expect(delivered).toEqual(['c:1', 'c:4', 'c:5']);
    expect(instance.has('c', 5)).toBe(true);
    expect(instance.has('c', 6)).toBe(false);
  });

  it('drops waiting signals that a history already covered', () => {
    const { instance, delivered } = sequencer();
    instance.offer(signal(2));
    instance.offer(signal(3));
    instance.advanceTo('c', 2);
    expect(delivered).toEqual(['c:3']);
  });
});
