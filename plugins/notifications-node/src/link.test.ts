import { resolveNotificationLink } from './link';

describe('resolveNotificationLink', () => {
  it('keeps absolute links', () => {
    expect(
      resolveNotificationLink(
        'https://example.com/a?b=c',
        'http://localhost:3000',
      ),
    ).toBe('https://example.com/a?b=c');
  });

  it('resolves relative links against the base, ignoring leading slashes', () => {
    expect(resolveNotificationLink('/catalog/x', 'http://localhost:3000')).toBe(
      'http://localhost:3000/catalog/x',
    );
    expect(
      resolveNotificationLink(
        'catalog/x',
        'https://backstage.example.com/portal',
      ),
    ).toBe('https://backstage.example.com/portal/catalog/x');
    expect(
      resolveNotificationLink('//evil.example.com/x', 'http://localhost:3000/'),
    ).toBe('http://localhost:3000/evil.example.com/x');
  });

  it.each([
    ['/\t/evil.test/x'],
    ['/\n/evil.test/x'],
    ['\t//evil.test/x'],
    [' //evil.test/x'],
    ['/\\evil.test/x'],
    ['\\\\evil.test/x'],
    ['\u0000/\t\\evil.test/x'],
  ])('keeps the relative link %j under the base', link => {
    expect(resolveNotificationLink(link, 'http://localhost:3000')).toBe(
      'http://localhost:3000/evil.test/x',
    );
  });

  it('returns undefined for an empty link', () => {
    expect(
      resolveNotificationLink(undefined, 'http://localhost:3000'),
    ).toBeUndefined();
    expect(
      resolveNotificationLink('', 'http://localhost:3000'),
    ).toBeUndefined();
  });

  it('returns the input when no URL can be built', () => {
    expect(resolveNotificationLink('x', 'not a url')).toBe('x');
  });

  it('keeps other schemes visible so callers can reject them', () => {
    // The script URL is the input under test, not something evaluated.
    // eslint-disable-next-line no-script-url
    const scriptLink = 'javascript:alert(1)';
    expect(resolveNotificationLink(scriptLink, 'http://localhost:3000')).toBe(
      scriptLink,
    );
  });
});
