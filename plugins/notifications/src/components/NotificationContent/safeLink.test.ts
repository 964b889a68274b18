import { notificationHref } from './safeLink';

// The script URLs are inputs under test, never evaluated.
/* eslint-disable no-script-url */

describe('notificationHref', () => {
  const origin = window.location.origin;

  it.each([
    ['/catalog/x', '/catalog/x'],
    ['catalog/x?a=b', '/catalog/x?a=b'],
    ['/.//evil.test/x', '/evil.test/x'],
    [`${origin}/docs#top`, '/docs#top'],
  ])('renders %j as the in-app path %j', (link, href) => {
    expect(notificationHref(link)).toEqual({ href, external: false });
  });

  it.each([
    ['https://example.com/run/1', 'https://example.com/run/1'],
    ['ht\ttps://example.com', 'https://example.com/'],
  ])('renders %j as the external URL %j', (link, href) => {
    expect(notificationHref(link)).toEqual({ href, external: true });
  });

  it.each([
    ['/\t/evil.test/x'],
    ['/\n/evil.test/x'],
    ['//evil.test'],
    ['/\\evil.test'],
    ['\t//evil.test'],
    ['java\tscript:alert(1)'],
    ['JAVASCRIPT:alert(1)'],
    ['data:text/html,x'],
    [''],
    [undefined],
    [{ href: '/x' }],
  ])('renders %j as text', link => {
    expect(notificationHref(link)).toBeUndefined();
  });
});
