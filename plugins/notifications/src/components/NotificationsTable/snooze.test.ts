import { Notification } from '@herald/plugin-notifications-common';
import { snoozeUntil, snoozedUntilOf } from './snooze';

describe('snoozedUntilOf', () => {
  const notification = {
    id: 'n1',
    user: 'user:default/guest',
    created: new Date(0),
    origin: 'test',
    payload: { title: 'Snoozed' },
  };

  it('reads the time as the client delivers it, a JSON string', () => {
    // The wire carries ISO strings; the client hands them on unparsed, as
    // it does `created`, and the table must not call Date methods on them.
    const wire = {
      ...notification,
      snoozedUntil: '2026-12-03T15:00:00.000Z',
    } as unknown as Notification;
    expect(snoozedUntilOf(wire)).toEqual(new Date('2026-12-03T15:00:00.000Z'));
  });

  it('takes a Date too, and is undefined when not snoozed', () => {
    const until = new Date('2026-12-03T15:00:00.000Z');
    expect(snoozedUntilOf({ ...notification, snoozedUntil: until })).toEqual(
      until,
    );
    expect(snoozedUntilOf(notification)).toBeUndefined();
  });
});

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
