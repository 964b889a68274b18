import { mergeRecipientMessage } from './recipientMessage';

describe('mergeRecipientMessage', () => {
  it('merges nested objects key by key', () => {
    expect(
      mergeRecipientMessage(
        {
          action: 'new',
          notification: { payload: { title: 'T' }, read: null },
        },
        { id: 'a', notification: { id: 'a', user: 'user:default/a' } },
      ),
    ).toEqual({
      action: 'new',
      id: 'a',
      notification: {
        id: 'a',
        user: 'user:default/a',
        payload: { title: 'T' },
        read: null,
      },
    });
  });

  it('replaces arrays, primitives and nulls instead of merging them', () => {
    expect(
      mergeRecipientMessage(
        { list: [1, 2], value: { nested: true }, name: 'shared' },
        { list: [3], value: null, name: 'own' },
      ),
    ).toEqual({ list: [3], value: null, name: 'own' });
  });

  it('leaves the shared message untouched', () => {
    const shared = { notification: { payload: { title: 'T' } } };
    mergeRecipientMessage(shared, {
      notification: { payload: { title: 'U' } },
    });
    expect(shared).toEqual({ notification: { payload: { title: 'T' } } });
  });
});
