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

describe('SubscriptionIndex', () => {
  const alice = connection('alice', ['group:default/team']);
  const bob = connection('bob', ['group:default/team']);
  const carol = connection('carol');

  function indexed() {
    const index = new SubscriptionIndex();
    for (const c of [alice, bob, carol]) {
      index.add(c, 'c');
    }
    index.add(alice, 'other');
    return index;
  }

  it('finds recipients by channel and ownership ref, each once', () => {
    const index = indexed();
    expect([...index.recipients(to({ type: 'broadcast' }))]).toEqual([
      alice,
      bob,
      carol,
    ]);
    expect([
      ...index.recipients(
        to({
          type: 'user',
          entityRef: ['group:default/team', 'user:default/alice'],
        }),
      ),
    ]).toEqual([alice, bob]);
    expect([
      ...index.recipients(to({ type: 'user', entityRef: 'user:default/bob' })),
    ]).toEqual([bob]);
    expect([...index.recipients(to({ type: 'broadcast' }, 'none'))]).toEqual(
      [],
    );
  });

  it('counts subscriptions and forgets removed ones', () => {
    const index = indexed();
    expect(index.size).toBe(4);
    index.add(alice, 'c');
    expect(index.size).toBe(4);
    index.remove(alice, 'c');
    index.remove(alice, 'c');
    expect(index.size).toBe(3);
    expect([
      ...index.recipients(
        to({ type: 'user', entityRef: 'group:default/team' }),
      ),
    ]).toEqual([bob]);
    index.remove(bob, 'c');
    index.remove(carol, 'c');
    expect([...index.recipients(to({ type: 'broadcast' }))]).toEqual([]);
  });

  it('keeps offsets on once a subscription asked for them', () => {
    const index = indexed();
    expect(index.wantsOffsets(alice, 'c')).toBe(false);
    index.add(alice, 'c', true);
    index.add(alice, 'c');
    expect(index.wantsOffsets(alice, 'c')).toBe(true);
    expect(index.wantsOffsets(alice, 'none')).toBeUndefined();
    expect(index.size).toBe(4);
    expect([...index.subscribersOf('c')!]).toEqual([
      [alice, true],
      [bob, false],
      [carol, false],
    ]);
  });

  it('reaches nobody with an unknown recipient type', () => {
    const signal = to({ type: 'team' } as any);
    expect([...indexed().recipients(signal)]).toEqual([]);
    expect(isRecipient(alice, signal)).toBe(false);
    expect(isRecipient(alice, to({ type: 'broadcast' }))).toBe(true);
    expect(
      isRecipient(carol, to({ type: 'user', entityRef: 'group:default/team' })),
    ).toBe(false);
  });
});
