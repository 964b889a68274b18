import { formatRelative } from './RelativeTime';

describe('formatRelative', () => {
  const now = new Date('2026-01-10T12:00:00Z');

  it('says how long ago in English by default', () => {
    expect(formatRelative(new Date('2026-01-10T11:55:00Z'), now)).toBe(
      '5 minutes ago',
    );
    expect(formatRelative(new Date('2026-01-09T12:00:00Z'), now)).toBe(
      'yesterday',
    );
  });

  it('says it in the language it is given', () => {
    expect(formatRelative(new Date('2026-01-10T11:55:00Z'), now, 'de')).toBe(
      'vor 5 Minuten',
    );
  });
});
