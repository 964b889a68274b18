import { NotificationReason } from '@herald/plugin-notifications-common';
import {
  isNotificationId,
  rowToNotification,
  serializeReasons,
  toDate,
} from './rows';

describe('toDate', () => {
  it('reads every shape a database returns', () => {
    const instant = new Date('2026-03-04T05:06:07.089Z');
    expect(toDate(instant)).toBe(instant);
    expect(toDate(instant.getTime())).toEqual(instant);
    expect(toDate(String(instant.getTime()))).toEqual(instant);
    expect(toDate('2026-03-04 05:06:07')).toEqual(
      new Date('2026-03-04T05:06:07Z'),
    );
    expect(toDate('2026-03-04T05:06:07.089Z')).toEqual(instant);
    expect(toDate(null)).toBeUndefined();
    expect(toDate(undefined)).toBeUndefined();
  });
});

describe('rowToNotification', () => {
  const row = {
    id: '2f1d7c8e-4b1a-4c55-9f0e-0a1b2c3d4e5f',
    user: null,
    title: 'T',
    description: null,
    severity: 'HIGH',
    link: null,
    origin: 'plugin:x',
    scope: null,
    topic: null,
    icon: null,
    metadata: null as string | null,
    created: 0,
    updated: null,
    read: null,
    saved: null,
    done: null,
    snoozed_until: null,
    reasons: null as string | null,
  };

  it('omits metadata when absent or not a JSON object, and parses it otherwise', () => {
    expect(rowToNotification(row).payload).not.toHaveProperty('metadata');
    expect(
      rowToNotification({ ...row, metadata: 'not json' }).payload,
    ).not.toHaveProperty('metadata');
    expect(
      rowToNotification({ ...row, metadata: '[1]' }).payload,
    ).not.toHaveProperty('metadata');
    expect(
      rowToNotification({ ...row, metadata: '{"a":[1]}' }).payload.metadata,
    ).toEqual({ a: [1] });
  });

  it('leaves the Herald fields out when unset, and gives broadcasts their reason', () => {
    const own = rowToNotification({ ...row, user: 'user:default/alice' });
    expect(own).not.toHaveProperty('done');
    expect(own).not.toHaveProperty('snoozedUntil');
    expect(own).not.toHaveProperty('reasons');
    expect(rowToNotification(row).reasons).toEqual([{ type: 'broadcast' }]);
  });

  it('reads done, a snooze and stored reasons; a past snooze lasts until woken', () => {
    const future = Date.now() + 3_600_000;
    const own = rowToNotification({
      ...row,
      user: 'user:default/alice',
      done: 1_000,
      snoozed_until: future,
      reasons:
        '[{"type":"owner","entityRef":"component:default/x","via":"group:default/t"}]',
    });
    expect(own.done).toEqual(new Date(1_000));
    expect(own.snoozedUntil).toEqual(new Date(future));
    expect(own.reasons).toEqual([
      {
        type: 'owner',
        entityRef: 'component:default/x',
        via: 'group:default/t',
      },
    ]);
    const pastTime = Date.now() - 1_000;
    const past = rowToNotification({
      ...row,
      user: 'user:default/alice',
      snoozed_until: pastTime,
      reasons: '[{"type":"nonsense"}]',
    });
    expect(past.snoozedUntil).toEqual(new Date(pastTime));
    expect(past).not.toHaveProperty('reasons');
  });

  it('normalises the stored severity', () => {
    expect(rowToNotification(row).payload.severity).toBe('high');
  });
});

describe('isNotificationId', () => {
  it('accepts uuids only', () => {
    expect(isNotificationId('2f1d7c8e-4b1a-4c55-9f0e-0a1b2c3d4e5f')).toBe(true);
    expect(isNotificationId('2F1D7C8E-4B1A-4C55-9F0E-0A1B2C3D4E5F')).toBe(true);
    expect(isNotificationId('health')).toBe(false);
    expect(isNotificationId("1' OR '1'='1")).toBe(false);
  });
});

describe('serializeReasons', () => {
  const group: NotificationReason = {
    type: 'group',
    entityRef: 'group:default/team',
  };

  it('stores no reasons as null', () => {
    expect(serializeReasons(undefined)).toBeNull();
    expect(serializeReasons([])).toBeNull();
  });

  it('writes a list that changed since as it is now', () => {
    const reasons: NotificationReason[] = [{ type: 'direct' }];
    expect(serializeReasons(reasons)).toBe('[{"type":"direct"}]');
    reasons.push(group);
    expect(JSON.parse(serializeReasons(reasons)!)).toEqual([
      { type: 'direct' },
      group,
    ]);
    // A frozen list whose reason is not frozen can still change.
    const reason: NotificationReason = { type: 'owner', entityRef: 'a:b/c' };
    const list = Object.freeze([reason]) as NotificationReason[];
    expect(JSON.parse(serializeReasons(list)!)).toEqual([reason]);
    (reason as { via?: string }).via = 'group:default/team';
    expect(JSON.parse(serializeReasons(list)!)).toEqual([
      { type: 'owner', entityRef: 'a:b/c', via: 'group:default/team' },
    ]);
  });

  it('writes a frozen list of frozen reasons once, the same each time', () => {
    const list = Object.freeze([Object.freeze({ ...group })]);
    const first = serializeReasons(list as NotificationReason[]);
    expect(JSON.parse(first!)).toEqual([group]);
    expect(serializeReasons(list as NotificationReason[])).toBe(first);
  });
});
