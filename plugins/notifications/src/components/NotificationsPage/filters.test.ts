import { defaultFilters, toListOptions } from './filters';

const now = new Date('2025-06-01T12:00:00Z');
const options = (change: Partial<typeof defaultFilters>, page = 0) =>
  toListOptions({ ...defaultFilters, ...change }, page, 5, now);

describe('toListOptions', () => {
  it('asks for the first five unread of the inbox, newest first, of any severity by default', () => {
    expect(options({})).toEqual({
      limit: 5,
      offset: 0,
      read: false,
      done: false,
      snoozed: false,
      sort: 'created',
      sortOrder: 'desc',
      minimumSeverity: 'low',
    });
  });

  it.each([
    ['unread', { read: false }],
    ['read', { read: true }],
    ['saved', { saved: true }],
    ['all', {}],
    ['done', { done: true }],
    ['snoozed', { snoozed: true }],
  ] as const)('maps the %s view', (view, expected) => {
    const { read, saved, done, snoozed } = options({ view });
    const inInbox = view !== 'done' && view !== 'snoozed';
    expect({ read, saved, done, snoozed }).toEqual({
      read: undefined,
      saved: undefined,
      done: inInbox ? false : undefined,
      snoozed: inInbox ? false : undefined,
      ...expected,
    });
  });

  it.each([
    ['newest', 'created', 'desc'],
    ['oldest', 'created', 'asc'],
    ['topic', 'topic', 'asc'],
    ['origin', 'origin', 'asc'],
  ] as const)('sorts %s by %s %s', (sortBy, sort, sortOrder) => {
    expect(options({ sortBy })).toMatchObject({ sort, sortOrder });
  });

  it('computes the sent-out date from the time of the fetch', () => {
    expect(options({ createdAfter: 'last24h' }).createdAfter).toEqual(
      new Date('2025-05-31T12:00:00Z'),
    );
    expect(options({ createdAfter: 'lastWeek' }).createdAfter).toEqual(
      new Date('2025-05-25T12:00:00Z'),
    );
    expect(options({ createdAfter: 'anyTime' })).not.toHaveProperty(
      'createdAfter',
    );
  });

  it('passes search, topic, severity and paging only when set', () => {
    expect(
      options({ search: 'deploy', topic: 'ci', minimumSeverity: 'high' }, 2),
    ).toMatchObject({
      search: 'deploy',
      topic: 'ci',
      minimumSeverity: 'high',
      offset: 10,
      limit: 5,
    });
    expect(options({ reason: 'group' })).toMatchObject({ reason: 'group' });
    expect(options({ search: '' })).not.toHaveProperty('search');
    expect(options({})).not.toHaveProperty('topic');
    expect(options({})).not.toHaveProperty('reason');
  });
});
