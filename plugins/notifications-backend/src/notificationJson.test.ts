import { Notification } from '@herald/plugin-notifications-common';
import { notificationToJson } from './notificationJson';

function notification(overrides: Partial<Notification>): Notification {
  return {
    id: 'n-1',
    user: 'user:default/ada',
    origin: 'plugin:ci',
    created: new Date('2026-12-06T10:00:00.000Z'),
    payload: { title: 'Build passed', severity: 'normal' },
    ...overrides,
  };
}

describe('notificationToJson', () => {
  it('writes each notification its own dates, however many share one', () => {
    const shared = new Date('2026-12-06T10:00:00.000Z');
    const first = notificationToJson(notification({ created: shared }));
    const second = notificationToJson(notification({ created: shared }));
    const later = notificationToJson(
      notification({
        created: new Date('2026-12-06T11:30:00.250Z'),
        read: new Date('2026-12-06T12:00:00.000Z'),
      }),
    );
    // The same date object moved on: a remembered string must not be reused.
    shared.setTime(Date.parse('2026-12-07T08:00:00.000Z'));
    const moved = notificationToJson(notification({ created: shared }));
    expect([first, second, later, moved].map(json => json.created)).toEqual([
      '2026-12-06T10:00:00.000Z',
      '2026-12-06T10:00:00.000Z',
      '2026-12-06T11:30:00.250Z',
      '2026-12-07T08:00:00.000Z',
    ]);
    expect(later.read).toBe('2026-12-06T12:00:00.000Z');
  });

  it("has upstream's shape: nulls for unset fields, metadata only when set", () => {
    expect(notificationToJson(notification({}))).toEqual({
      id: 'n-1',
      user: 'user:default/ada',
      created: '2026-12-06T10:00:00.000Z',
      read: null,
      saved: null,
      updated: null,
      origin: 'plugin:ci',
      payload: {
        title: 'Build passed',
        description: null,
        link: null,
        severity: 'normal',
        topic: null,
        scope: null,
        icon: null,
      },
    });
    const withMetadata = notificationToJson(
      notification({
        payload: { title: 'Build passed', metadata: { build: 42 } },
      }),
    );
    expect(Object.keys(withMetadata.payload)).toContain('metadata');
    expect(withMetadata.payload.metadata).toEqual({ build: 42 });
    expect(withMetadata.payload.severity).toBe('normal');
  });
});
