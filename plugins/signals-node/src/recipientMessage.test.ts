import {
  diffRecipientMessages,
  mergeRecipientMessage,
} from './recipientMessage';

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

describe('diffRecipientMessages', () => {
  const messages = new Map([
    [
      'user:default/a',
      {
        action: 'new',
        id: 'a',
        notification: { id: 'a', payload: { title: 'T', tags: ['x'] } },
      },
    ],
    [
      'user:default/b',
      {
        action: 'new',
        id: 'b',
        notification: { id: 'b', payload: { title: 'T', tags: ['y'] } },
      },
    ],
  ]);

  it('sends what all recipients share once and what differs per recipient', () => {
    expect(diffRecipientMessages(messages)).toEqual({
      message: { action: 'new', notification: { payload: { title: 'T' } } },
      perRecipient: {
        'user:default/a': {
          id: 'a',
          notification: { id: 'a', payload: { tags: ['x'] } },
        },
        'user:default/b': {
          id: 'b',
          notification: { id: 'b', payload: { tags: ['y'] } },
        },
      },
    });
  });

  it('is undone by mergeRecipientMessage', () => {
    const { message, perRecipient } = diffRecipientMessages(messages);
    for (const [ref, own] of messages) {
      expect(mergeRecipientMessage(message, perRecipient[ref])).toEqual(own);
    }
  });

  it('keeps a key shared only where every recipient has the same value', () => {
    const { message } = diffRecipientMessages(
      new Map([
        ['user:default/a', { list: [1], nested: { x: 1 }, only: 'a' }],
        ['user:default/b', { list: [1], nested: 'flat' }],
      ]),
    );
    expect(message).toEqual({ list: [1] });
  });
});
