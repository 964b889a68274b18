import { defaultFilters } from './filters';
import { readView, writeView } from './viewParams';

describe('inbox view in the query string', () => {
  it('round-trips every part of a view, keeping other parameters', () => {
    const view = {
      filters: {
        view: 'saved' as const,
        createdAfter: 'lastWeek' as const,
        sortBy: 'topic' as const,
        minimumSeverity: 'high' as const,
        topic: 'deploys & builds',
        reason: 'owner' as const,
        search: 'db down',
      },
      page: 3,
      pageSize: 20,
    };
    const params = writeView(view, new URLSearchParams('id=abc'));
    expect(params.toString()).toBe(
      'id=abc&view=saved&sent=lastWeek&sort=topic&severity=high&topic=deploys+%26+builds&reason=owner&q=db+down&page=4&size=20',
    );
    expect(readView(new URLSearchParams(params.toString()))).toEqual(view);
  });

  it('leaves the defaults out, so the plain inbox has a plain URL', () => {
    const params = writeView(
      { filters: defaultFilters, page: 0, pageSize: 5 },
      new URLSearchParams('view=read&page=2'),
    );
    expect(params.toString()).toBe('');
  });

  it('reads the Done and Snoozed views', () => {
    expect(readView(new URLSearchParams('view=done')).filters.view).toBe(
      'done',
    );
    expect(readView(new URLSearchParams('view=snoozed')).filters.view).toBe(
      'snoozed',
    );
  });

  it('falls back to the default for anything it does not understand', () => {
    expect(
      readView(
        new URLSearchParams(
          'view=bogus&sent=forever&sort=x&severity=LOUD&reason=team&page=-2&size=7',
        ),
      ),
    ).toEqual({ filters: defaultFilters, page: 0, pageSize: 5 });
  });
});
