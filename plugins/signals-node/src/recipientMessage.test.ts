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

  it('keeps an object every recipient holds by reference as that object', () => {
    const payload = { title: 'T', tags: ['x'] };
    const { message, perRecipient } = diffRecipientMessages(
      new Map([
        ['user:default/a', { id: 'a', payload }],
        ['user:default/b', { id: 'b', payload }],
      ]),
    );
    expect(message.payload).toBe(payload);
    expect(perRecipient).toEqual({
      'user:default/a': { id: 'a' },
      'user:default/b': { id: 'b' },
    });
  });

  it('gives a recipient who adds nothing an empty entry', () => {
    const shared = { action: 'new', payload: { title: 'T' } };
    const { perRecipient } = diffRecipientMessages(
      new Map([
        ['user:default/a', shared],
        ['user:default/b', { action: 'new', payload: { title: 'T' } }],
      ]),
    );
    expect(perRecipient).toEqual({
      'user:default/a': {},
      'user:default/b': {},
    });
  });
});
