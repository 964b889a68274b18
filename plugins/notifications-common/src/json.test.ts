import { notificationFromJson, NotificationJson } from './json';

describe('notificationFromJson', () => {
  it('parses dates and leaves out null fields', () => {
    const json: NotificationJson = {
      id: 'n1',
      user: null,
      created: '2026-01-02T03:04:05.678Z',
      read: '2026-01-03T00:00:00.000Z',
      saved: null,
      updated: null,
      origin: 'plugin:test',
      payload: {
        title: 'Deployed',
        description: null,
        link: '/catalog',
        severity: 'high',
        topic: null,
        scope: null,
        icon: null,
        metadata: { build: 7 },
      },
    };
    const notification = notificationFromJson(json);
    expect(notification).toEqual({
      id: 'n1',
      user: null,
      origin: 'plugin:test',
      created: new Date('2026-01-02T03:04:05.678Z'),
      read: new Date('2026-01-03T00:00:00.000Z'),
      payload: {
        title: 'Deployed',
        link: '/catalog',
        severity: 'high',
        metadata: { build: 7 },
      },
    });
    expect(Object.keys(notification)).not.toContain('saved');
    expect(Object.keys(notification.payload)).not.toContain('description');
  });

  it('accepts a notification without the optional fields', () => {
    expect(
      notificationFromJson({
        id: 'n2',
        user: 'user:default/alice',
        created: '2026-01-02T00:00:00Z',
        origin: 'external:curl',
        payload: { title: 'Hi' },
      }),
    ).toEqual({
      id: 'n2',
      user: 'user:default/alice',
      origin: 'external:curl',
      created: new Date('2026-01-02T00:00:00Z'),
      payload: { title: 'Hi' },
    });
  });

  it('parses the Herald extensions when present', () => {
    const notification = notificationFromJson({
      id: 'n3',
      user: 'user:default/alice',
      created: '2026-01-02T00:00:00Z',
      done: '2026-01-04T00:00:00.000Z',
      snoozedUntil: '2026-01-05T00:00:00.000Z',
      reasons: [{ type: 'group', entityRef: 'group:default/team' }],
      origin: 'external:curl',
      payload: { title: 'Hi' },
    });
    expect(notification.done).toEqual(new Date('2026-01-04T00:00:00.000Z'));
    expect(notification.snoozedUntil).toEqual(
      new Date('2026-01-05T00:00:00.000Z'),
    );
    expect(notification.reasons).toEqual([
      { type: 'group', entityRef: 'group:default/team' },
    ]);
  });
});
