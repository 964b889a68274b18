import { WebSocket } from 'ws';
import { SequencedSignal } from '../bus/types';
import { Connection } from './Connection';
import { SubscriptionIndex, isRecipient } from './SubscriptionIndex';

const connection = (user: string, groups: string[] = []) =>
  new Connection({} as WebSocket, `user:default/${user}`, groups, 0);

const to = (
  recipients: SequencedSignal['recipients'],
  channel = 'c',
): SequencedSignal => ({ channel, recipients, message: {}, offset: 1 });

/** Each recipient of a signal and whether it gets offsets. */
function deliveries(
  index: SubscriptionIndex,
  signal: SequencedSignal,
  reach?: 'all' | 'plain' | 'withOffsets',
) {
  const reached: Array<[Connection, boolean]> = [];
  index.forEachRecipient(
    signal,
    (c, withOffsets) => reached.push([c, withOffsets]),
    reach,
  );
  return reached;
}

const recipients = (index: SubscriptionIndex, signal: SequencedSignal) =>
  deliveries(index, signal).map(([c]) => c);

describe('SubscriptionIndex', () => {
  let alice: Connection;
  let bob: Connection;
  let carol: Connection;
  let index: SubscriptionIndex;

  beforeEach(() => {
    alice = connection('alice', ['group:default/team']);
    bob = connection('bob', ['group:default/team']);
    carol = connection('carol');
    index = new SubscriptionIndex();
    for (const c of [alice, bob, carol]) {
      index.connect(c);
      index.add(c, 'c');
    }
    index.add(alice, 'other');
  });

  it('reaches only the subscribers of one kind when asked to', () => {
    index.add(bob, 'c', true);
    for (const signal of [
      to({ type: 'broadcast' }),
      to({ type: 'user', entityRef: 'group:default/team' }),
    ]) {
      expect(deliveries(index, signal, 'plain')).toEqual(
        signal.recipients.type === 'broadcast'
          ? [
              [alice, false],
              [carol, false],
            ]
          : [[alice, false]],
      );
      expect(deliveries(index, signal, 'withOffsets')).toEqual([[bob, true]]);
    }
  });

  it('finds recipients by channel and ownership ref, each once', () => {
    expect(recipients(index, to({ type: 'broadcast' }))).toEqual([
      alice,
      bob,
      carol,
    ]);
    expect(
      recipients(
        index,
        to({
          type: 'user',
          entityRef: ['group:default/team', 'user:default/alice'],
        }),
      ),
    ).toEqual([alice, bob]);
    expect(
      recipients(index, to({ type: 'user', entityRef: 'user:default/bob' })),
    ).toEqual([bob]);
    expect(recipients(index, to({ type: 'broadcast' }, 'none'))).toEqual([]);
  });

  it('reaches only the connections of a ref that subscribed to the channel', () => {
    const team = to({ type: 'user', entityRef: 'group:default/team' }, 'other');
    expect(recipients(index, team)).toEqual([alice]);
    const dave = connection('dave', ['group:default/team']);
    index.connect(dave);
    expect(recipients(index, team)).toEqual([alice]);
    index.add(dave, 'other');
    expect(recipients(index, team)).toEqual([alice, dave]);
  });

  it('counts subscriptions and forgets removed ones', () => {
    expect(index.size).toBe(4);
    index.add(alice, 'c');
    expect(index.size).toBe(4);
    index.remove(alice, 'c');
    index.remove(alice, 'c');
    expect(index.size).toBe(3);
    expect(alice.channels).toEqual(['other']);
    expect(
      recipients(index, to({ type: 'user', entityRef: 'group:default/team' })),
    ).toEqual([bob]);
    index.remove(bob, 'c');
    index.remove(carol, 'c');
    expect(recipients(index, to({ type: 'broadcast' }))).toEqual([]);
    expect(carol.channels).toBeUndefined();
  });

  it('keeps offsets on once a subscription asked for them', () => {
    expect(index.wantsOffsets(alice, 'c')).toBe(false);
    index.add(alice, 'c', true);
    index.add(alice, 'c');
    expect(index.wantsOffsets(alice, 'c')).toBe(true);
    expect(index.wantsOffsets(alice, 'none')).toBeUndefined();
    expect(index.size).toBe(4);
    expect(alice.channels).toEqual(['c', 'other']);
    expect(deliveries(index, to({ type: 'broadcast' }))).toEqual([
      [bob, false],
      [carol, false],
      [alice, true],
    ]);
    expect(
      deliveries(index, to({ type: 'user', entityRef: 'user:default/alice' })),
    ).toEqual([[alice, true]]);
  });

  it("counts a user's connections, and forgets a closed one with its subscriptions", () => {
    const secondAlice = connection('alice');
    index.connect(secondAlice);
    expect(index.connectionsOf('user:default/alice')).toBe(2);
    expect(index.connectionsOf('user:default/bob')).toBe(1);
    expect(index.connectionsOf('group:default/team')).toBe(0);
    expect(index.connectionsOf('user:default/nobody')).toBe(0);

    index.disconnect(alice);
    expect(index.connectionsOf('user:default/alice')).toBe(1);
    expect(index.size).toBe(2);
    expect(recipients(index, to({ type: 'broadcast' }, 'other'))).toEqual([]);
    expect(
      recipients(index, to({ type: 'user', entityRef: 'group:default/team' })),
    ).toEqual([bob]);

    index.disconnect(secondAlice);
    expect(index.connectionsOf('user:default/alice')).toBe(0);
  });

  it('reaches nobody with an unknown recipient type', () => {
    const signal = to({ type: 'team' } as any);
    expect(recipients(index, signal)).toEqual([]);
    expect(isRecipient(alice, signal)).toBe(false);
    expect(isRecipient(alice, to({ type: 'broadcast' }))).toBe(true);
    expect(
      isRecipient(carol, to({ type: 'user', entityRef: 'group:default/team' })),
    ).toBe(false);
  });
});
