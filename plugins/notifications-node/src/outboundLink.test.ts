import {
  notificationsInboxUrl,
  outboundNotificationLink,
} from './outboundLink';

const BASE = 'https://portal.example.com/herald';

describe('outboundNotificationLink', () => {
  it.each([
    ['/catalog/x?y=1#z', 'https://portal.example.com/herald/catalog/x?y=1#z'],
    ['docs/x', 'https://portal.example.com/herald/docs/x'],
    ['https://ci.example.com/run/1', 'https://ci.example.com/run/1'],
    ['//evil.example.com/x', undefined],
    ['/\\evil.example.com/x', undefined],
    ['data:text/html,x', undefined],
    // The script URL is the input under test, not something evaluated.
    // eslint-disable-next-line no-script-url
    ['javascript:alert(1)', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j becomes %j', (link, expected) => {
    expect(outboundNotificationLink(link, BASE)).toBe(expected);
  });
});

describe('notificationsInboxUrl', () => {
  it.each([BASE, `${BASE}/`])('is below %j', base => {
    expect(notificationsInboxUrl(base)).toBe(
      'https://portal.example.com/herald/notifications',
    );
  });
});
