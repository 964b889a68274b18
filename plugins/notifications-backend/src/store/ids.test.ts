import { timeOrderedUuid } from './ids';
import { isNotificationId } from './rows';

describe('timeOrderedUuid', () => {
  it('makes version 7 UUIDs with the RFC variant', () => {
    const id = timeOrderedUuid(Date.UTC(2026, 11, 3));
    expect(id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(isNotificationId(id)).toBe(true);
  });

  it('carries the time in its first 48 bits', () => {
    const now = Date.UTC(2030, 0, 1) + 123;
    const id = timeOrderedUuid(now).replace(/-/g, '');
    expect(parseInt(id.slice(0, 12), 16)).toBe(now);
  });

  it('keeps ids made in the same millisecond in order, past 4,096 of them', () => {
    const now = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => timeOrderedUuid(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the clock does', () => {
    const later = timeOrderedUuid(Date.UTC(2032, 0, 1, 0, 0, 1));
    const earlier = timeOrderedUuid(Date.UTC(2032, 0, 1));
    expect(earlier > later).toBe(true);
  });
});
