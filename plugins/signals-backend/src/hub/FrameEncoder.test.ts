import { SequencedSignal } from '../bus/types';
import { FrameEncoder } from './FrameEncoder';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

const signal: SequencedSignal = {
  channel: 'c',
  recipients: { type: 'user', entityRef: [ALICE, BOB] },
  message: { shared: true, nested: { a: 1 } },
  perRecipient: { [ALICE]: { own: 'a', nested: { b: 2 } } },
  offset: 7,
};

/** The payload of a short unmasked frame, as the tests' frames all are. */
const parse = (frame: Buffer) => {
  const length = frame[1] & 0x7f;
  return JSON.parse(frame.subarray(length === 126 ? 4 : 2).toString());
};

describe('FrameEncoder', () => {
  it('merges a listed user part and adds the offset only when asked', () => {
    const encoder = new FrameEncoder(signal);
    expect(parse(encoder.encode(ALICE, true))).toEqual({
      channel: 'c',
      message: { shared: true, own: 'a', nested: { a: 1, b: 2 } },
      offset: 7,
    });
    expect(parse(encoder.encode(BOB, false))).toEqual({
      channel: 'c',
      message: { shared: true, nested: { a: 1 } },
    });
  });

  it('serialises each variant once and hands out the same buffer', () => {
    const encoder = new FrameEncoder(signal);
    const plain = encoder.encode(BOB, false);
    expect(encoder.encode('user:default/carol', false)).toBe(plain);
    expect(encoder.encode(ALICE, false)).not.toBe(plain);
    expect(encoder.encode(ALICE, false)).toBe(encoder.encode(ALICE, false));
    expect(encoder.encode(BOB, true)).not.toBe(plain);
  });

  it('does not take inherited keys for a user part', () => {
    const encoder = new FrameEncoder({ ...signal, perRecipient: {} });
    expect(parse(encoder.encode('constructor', false)).message).toEqual(
      signal.message,
    );
  });
});
