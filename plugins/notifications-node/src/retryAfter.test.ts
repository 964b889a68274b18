import { parseRetryAfterMs } from './retryAfter';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');

  it('reads delay seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date, and a past one as no wait', () => {
    expect(parseRetryAfterMs('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(
      30_000,
    );
    expect(parseRetryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
  });

  it.each([null, undefined, '', '-5', '1.5', 'soon'])(
    'is undefined for %j',
    header => {
      expect(parseRetryAfterMs(header, now)).toBeUndefined();
    },
  );
});
