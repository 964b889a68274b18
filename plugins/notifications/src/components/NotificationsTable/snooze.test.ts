import { snoozeUntil } from './snooze';

describe('snoozeUntil', () => {
  // A Wednesday afternoon, local time.
  const wednesday = new Date(2026, 11, 2, 15, 30, 12);

  it('ends a one-hour snooze an hour from now', () => {
    expect(snoozeUntil('hour', wednesday)).toEqual(
      new Date(2026, 11, 2, 16, 30, 12),
    );
  });

  it('ends a snooze until tomorrow at nine in the morning', () => {
    expect(snoozeUntil('tomorrow', wednesday)).toEqual(
      new Date(2026, 11, 3, 9, 0, 0),
    );
    expect(snoozeUntil('tomorrow', new Date(2026, 11, 31, 23, 0))).toEqual(
      new Date(2027, 0, 1, 9, 0, 0),
    );
  });

  it('ends a snooze until next week on Monday at nine', () => {
    expect(snoozeUntil('nextWeek', wednesday)).toEqual(
      new Date(2026, 11, 7, 9, 0, 0),
    );
    // From a Sunday, the next day; from a Monday, a week later.
    expect(snoozeUntil('nextWeek', new Date(2026, 11, 6, 20, 0))).toEqual(
      new Date(2026, 11, 7, 9, 0, 0),
    );
    expect(snoozeUntil('nextWeek', new Date(2026, 11, 7, 8, 0))).toEqual(
      new Date(2026, 11, 14, 9, 0, 0),
    );
  });
});
