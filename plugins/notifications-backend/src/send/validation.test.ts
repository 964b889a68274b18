import { InputError } from '@backstage/errors';
import { validateSendOptions } from './validation';

const APP = 'http://localhost:3000';

// The script URLs are inputs under test, never evaluated.
/* eslint-disable no-script-url */

function send(link: string) {
  return validateSendOptions(
    { recipients: { type: 'broadcast' }, payload: { title: 't', link } },
    'external:ci',
    APP,
  );
}

describe('validateSendOptions links', () => {
  it.each([
    ['/\t/evil.test/x'],
    ['/\n/evil.test/x'],
    ['/\r/evil.test/x'],
    ['//evil.test/x'],
    ['/\\evil.test/x'],
    ['\\\\evil.test'],
    [' \u0000//evil.test'],
    ['java\tscript:alert(1)'],
    ['JAVASCRIPT:alert(1)'],
    ['data:text/html,x'],
  ])('refuses %j with a 400', link => {
    expect(() => send(link)).toThrow(InputError);
    expect(() => send(link)).toThrow(/^Invalid link provided: /);
  });

  it.each([
    ['/catalog/x', '/catalog/x'],
    ['catalog/x?a=b#c', '/catalog/x?a=b#c'],
    ['/.//evil.test/x', '/evil.test/x'],
    ['http://localhost:3000/docs', '/docs'],
    ['https://example.com/a', 'https://example.com/a'],
    ['ht\ttps://example.com', 'https://example.com/'],
  ])('stores %j as %j', (link, stored) => {
    expect(send(link).link).toBe(stored);
  });

  it('stores no link when none is given', () => {
    expect(send('').link).toBeUndefined();
  });
});

describe('validateSendOptions entity refs', () => {
  const sendTo = (entityRef: string | string[], excludeEntityRef?: string) =>
    validateSendOptions(
      {
        recipients: { type: 'entity', entityRef, excludeEntityRef },
        payload: { title: 't' },
      },
      'external:ci',
      APP,
    );

  it.each([
    [['user:default/alice ']],
    [[' user:default/alice']],
    [['user:default/a\tlice']],
    [['user:default/alice', 'group:default/team\n']],
  ])('refuses %j with a 400', refs => {
    expect(() => sendTo(refs)).toThrow(InputError);
    expect(() => sendTo(refs)).toThrow(/white space or a control character/);
  });

  it('refuses a malformed excluded ref too', () => {
    expect(() => sendTo('group:default/team', 'user:default/bob ')).toThrow(
      InputError,
    );
  });

  it('accepts well-formed refs', () => {
    expect(sendTo(['user:default/alice', 'group:default/team']).title).toBe(
      't',
    );
  });
});
