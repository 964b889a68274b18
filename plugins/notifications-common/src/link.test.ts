import { classifyNotificationLink, notificationLinkHref } from './link';

const APP = 'http://localhost:3000';

// The script URLs below are inputs under test, never evaluated.
/* eslint-disable no-script-url */

describe('classifyNotificationLink', () => {
  it.each([
    ['/catalog/x', '/catalog/x'],
    ['/catalog/x?tab=ci#logs', '/catalog/x?tab=ci#logs'],
    ['catalog/x', '/catalog/x'],
    ['./catalog/../docs', '/docs'],
    ['http://localhost:3000/catalog/x?a=b', '/catalog/x?a=b'],
    ['HTTP://LOCALHOST:3000/Catalog', '/Catalog'],
    ['http:catalog', '/catalog'],
    ['/%2F%2Fevil.test/x', '/%2F%2Fevil.test/x'],
    ['%2F%2Fevil.test', '/%2F%2Fevil.test'],
    ['/%09/evil.test/x', '/%09/evil.test/x'],
    ['/.//evil.test/x', '/evil.test/x'],
    ['/..//evil.test/x', '/evil.test/x'],
    ['http://localhost:3000//evil.test/x', '/evil.test/x'],
    ['  /catalog/x  ', '/catalog/x'],
    ['/cat\talog', '/catalog'],
    ['/a b', '/a%20b'],
  ])('keeps %j in the app as %j', (link, path) => {
    expect(classifyNotificationLink(link, APP)).toEqual({
      kind: 'internal',
      path,
    });
  });

  it.each([
    ['https://example.com/a?b=c', 'https://example.com/a?b=c'],
    ['http://foo.com/bar', 'http://foo.com/bar'],
    ['HTTPS://Example.COM', 'https://example.com/'],
    ['ht\ttp://example.com/x', 'http://example.com/x'],
    ['\u0000 https://example.com', 'https://example.com/'],
    ['https:\\\\example.com\\x', 'https://example.com/x'],
    ['https://localhost:3001/x', 'https://localhost:3001/x'],
    ['https://localhost:3000/x', 'https://localhost:3000/x'],
  ])('reads %j as the external URL %j', (link, url) => {
    expect(classifyNotificationLink(link, APP)).toEqual({
      kind: 'external',
      url,
    });
  });

  it.each([
    ['/\t/evil.test/x'],
    ['/\n/evil.test/x'],
    ['/\r\n/evil.test/x'],
    ['\t//evil.test/x'],
    ['//evil.test/x'],
    ['///evil.test/x'],
    ['/\\evil.test/x'],
    ['\\\\evil.test/x'],
    ['\\/evil.test'],
    [' //evil.test'],
    ['\u0001\u001f//evil.test'],
    ['//evil.test\u0000'],
    ['/\t\\evil.test'],
  ])('rejects the disguised external link %j', link => {
    const target = classifyNotificationLink(link, APP);
    expect(target.kind).toBe('rejected');
    expect(target).toMatchObject({
      reason: 'the relative link leads to another host (evil.test)',
    });
  });

  it.each([
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['java\tscript:alert(1)'],
    ['jav\nascript:alert(1)'],
    ['\u0000javascript:alert(1)'],
    ['  JAVA\r\nSCRIPT:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox(1)'],
    ['file:///etc/passwd'],
    ['mailto:someone@example.com'],
    ['ftp://example.com/x'],
  ])('rejects the non-http link %j', link => {
    const target = classifyNotificationLink(link, APP);
    expect(target.kind).toBe('rejected');
    expect(target).toMatchObject({
      reason: expect.stringMatching(/^links must use http or https/),
    });
  });

  it.each([
    [''],
    [' \t\n'],
    ['http://'],
    ['https://exa mple.com'],
    ['http://[::1'],
  ])('rejects the unusable link %j', link => {
    expect(classifyNotificationLink(link, APP).kind).toBe('rejected');
  });

  it('rejects values that are not strings', () => {
    expect(classifyNotificationLink(42, APP).kind).toBe('rejected');
    expect(classifyNotificationLink(undefined, APP).kind).toBe('rejected');
  });

  it('resolves relative links against the root of the app origin', () => {
    expect(
      classifyNotificationLink('catalog/x', 'https://portal.example.com/base'),
    ).toEqual({ kind: 'internal', path: '/catalog/x' });
    expect(
      classifyNotificationLink(
        'https://portal.example.com/base/catalog',
        'https://portal.example.com/base/',
      ),
    ).toEqual({ kind: 'internal', path: '/base/catalog' });
  });

  it('rejects everything when the app base URL is unusable', () => {
    expect(classifyNotificationLink('/x', 'not a url').kind).toBe('rejected');
  });

  it('never yields an in-app path that a browser would read as a host', () => {
    const inputs = [
      '/./\t/evil.test',
      '/a/../..//evil.test',
      '/%2e%2e//evil.test',
      '\\.\\\\evil.test',
      '/.\\\\evil.test',
    ];
    for (const link of inputs) {
      const href = notificationLinkHref(classifyNotificationLink(link, APP));
      expect(href === undefined || /^\/(?![/\\])/.test(href)).toBe(true);
      expect(new URL(href ?? '/', APP).origin).toBe(APP);
    }
  });
});

describe('notificationLinkHref', () => {
  it('gives the path, the URL or nothing', () => {
    expect(notificationLinkHref(classifyNotificationLink('/x?y', APP))).toBe(
      '/x?y',
    );
    expect(
      notificationLinkHref(classifyNotificationLink('https://e.com', APP)),
    ).toBe('https://e.com/');
    expect(
      notificationLinkHref(classifyNotificationLink('//e.com', APP)),
    ).toBeUndefined();
  });
});
