import { JsonObject } from '@backstage/types';
import {
  act,
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  deliverNew,
  InMemoryNotificationsApi,
  makeNotification,
  renderWithNotifications,
} from '../../__testUtils__';
import { NotificationsPage } from './NotificationsPage';

function renderPage(
  api: InMemoryNotificationsApi,
  options: { route?: string; config?: JsonObject } = {},
) {
  return renderWithNotifications(<NotificationsPage />, api, {
    route: '/notifications',
    ...options,
  });
}

/** The page over one unread notification titled `title`, once it shows. */
async function renderPageWithOne(title: string) {
  const api = new InMemoryNotificationsApi([
    makeNotification({ payload: { title } }),
  ]);
  await renderPage(api);
  await screen.findByText('Unread notifications (1)');
  return api;
}

async function chooseFilter(label: string, option: string) {
  fireEvent.click(screen.getByRole('button', { name: new RegExp(label) }));
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

/** Chooses a filter option and waits for the list heading it leads to. */
async function chooseFilterShowing(
  label: string,
  option: string,
  heading: string,
) {
  await chooseFilter(label, option);
  expect(await screen.findByText(heading)).toBeInTheDocument();
}

/** Clicks the button named `name` in the row showing `title`. */
async function clickInRow(title: string, name: string) {
  await userEvent.click(within(rowOf(title)).getByRole('button', { name }));
}

/** `count` unread notifications titled `${prefix} 0`, `${prefix} 1`, … */
function numbered(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) =>
    makeNotification({ payload: { title: `${prefix} ${i}` } }),
  );
}

function rowOf(title: string) {
  return screen
    .getAllByTestId('notification-row')
    .find(row => within(row).queryByText(title))!;
}

// Full page renders are slow in jsdom on a busy machine.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 5_000 });

describe('NotificationsPage', () => {
  it('shows the unread notifications by default, with title, broadcast marker and relative time', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({ payload: { title: 'Build failed', topic: 'ci' } }),
      makeNotification({
        user: null,
        payload: { title: 'Maintenance tonight' },
      }),
      makeNotification({ read: new Date(), payload: { title: 'Old news' } }),
    ]);
    await renderPage(api);

    expect(
      await screen.findByText('Unread notifications (2)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Build failed')).toBeInTheDocument();
    expect(screen.getByText('Maintenance tonight')).toBeInTheDocument();
    expect(screen.queryByText('Old news')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('broadcast-marker')).toHaveLength(1);
    expect(screen.getAllByText('1 minute ago').length).toBeGreaterThan(0);

    const first = api.callsTo('getNotifications')[0].args as any;
    expect(first).toMatchObject({
      limit: 5,
      offset: 0,
      read: false,
      sort: 'created',
      sortOrder: 'desc',
      minimumSeverity: 'low',
    });
    expect(first.createdAfter).toBeUndefined();
    expect(api.callsTo('getStatus').length).toBeGreaterThan(0);
    expect(api.callsTo('getTopics').length).toBeGreaterThan(0);
  });

  it('switches views and filters, asking the server each time', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({
        saved: new Date(),
        payload: { title: 'Kept for later' },
      }),
      makeNotification({
        payload: {
          title: 'Critical outage',
          severity: 'critical',
          topic: 'ops',
        },
      }),
      makeNotification({
        payload: { title: 'Low chatter', severity: 'low', topic: 'chat' },
      }),
    ]);
    await renderPage(api);
    await screen.findByText('Unread notifications (3)');

    await chooseFilterShowing('View', 'Saved', 'Saved notifications (1)');
    expect(screen.getByText('Kept for later')).toBeInTheDocument();
    expect(api.lastCallTo('getNotifications')).toMatchObject({
      saved: true,
    });

    await chooseFilterShowing('View', 'All', 'All notifications (3)');
    await chooseFilterShowing(
      'Min severity',
      'Critical',
      'All notifications (1)',
    );
    expect(screen.getByText('Critical outage')).toBeInTheDocument();

    await chooseFilterShowing('Min severity', 'Low', 'All notifications (3)');
    await chooseFilterShowing('Topic', 'chat', 'All notifications (1)');
    expect(api.lastCallTo('getNotifications')).toMatchObject({
      topic: 'chat',
    });

    await chooseFilter('Sent out', 'Last 24h');
    await waitFor(() =>
      expect(
        (api.lastCallTo('getNotifications') as any).createdAfter,
      ).toBeInstanceOf(Date),
    );
    await chooseFilter('Sort by', 'Origin');
    await waitFor(() =>
      expect(api.lastCallTo('getNotifications')).toMatchObject({
        sort: 'origin',
        sortOrder: 'asc',
      }),
    );
  }, 120_000);

  it('searches on the server and pages with the total count', async () => {
    const api = new InMemoryNotificationsApi(
      numbered('Deploy', 7).concat(
        makeNotification({ payload: { title: 'Needle in the haystack' } }),
      ),
    );
    await renderPage(api);
    await screen.findByText('Unread notifications (8)');
    expect(screen.getAllByTestId('notification-row')).toHaveLength(5);

    fireEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(screen.getAllByTestId('notification-row')).toHaveLength(3),
    );
    expect(api.lastCallTo('getNotifications')).toMatchObject({
      offset: 5,
      limit: 5,
    });

    fireEvent.change(screen.getByLabelText('Search notifications'), {
      target: { value: 'needle' },
    });
    expect(
      await screen.findByText('Unread notifications (1)'),
    ).toBeInTheDocument();
    expect(api.lastCallTo('getNotifications')).toMatchObject({
      search: 'needle',
      offset: 0,
    });
  });

  it('marks a row read and saves it, then reloads', async () => {
    const api = await renderPageWithOne('Act on me');
    const row = screen.getByTestId('notification-row');

    fireEvent.click(
      within(row).getByRole('button', { name: 'Save for later' }),
    );
    await waitFor(() =>
      expect(api.notifications[0].saved).toBeInstanceOf(Date),
    );

    fireEvent.click(
      within(screen.getByTestId('notification-row')).getByRole('button', {
        name: 'Mark as read',
      }),
    );
    expect(
      await screen.findByText('Unread notifications (0)'),
    ).toBeInTheDocument();
    expect(api.callsTo('updateNotifications').map(c => c.args)).toEqual([
      { ids: [api.notifications[0].id], saved: true },
      { ids: [api.notifications[0].id], read: true },
    ]);
    expect(screen.getByText('No records to display')).toBeInTheDocument();
  });

  it('bulk-marks the selection and marks all read after confirming', async () => {
    const api = new InMemoryNotificationsApi(numbered('Item', 8));
    await renderPage(api);
    await screen.findByText('Unread notifications (8)');

    fireEvent.click(screen.getByLabelText('Select all'));
    expect(screen.getByText('(5)')).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Mark selected as read' }),
    );
    expect(
      await screen.findByText('Unread notifications (3)'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Mark All' }));
    expect(
      await screen.findByText('Unread notifications (0)'),
    ).toBeInTheDocument();
    const markAllList = api
      .callsTo('getNotifications')
      .filter(c => (c.args as any).limit !== 5);
    expect(markAllList.every(c => (c.args as any).limit > 0)).toBe(true);
  });

  it('reloads when a notifications signal arrives', async () => {
    const api = new InMemoryNotificationsApi([]);
    const signals = await renderPage(api);
    await screen.findByText('Unread notifications (0)');

    const arrived = makeNotification({ payload: { title: 'Pushed live' } });
    deliverNew(api, signals, arrived, { embedded: false });
    expect(await screen.findByText('Pushed live')).toBeInTheDocument();
  });

  it('deep links to a read notification, switching to the Read view and highlighting it', async () => {
    const target = makeNotification({
      read: new Date(),
      payload: { title: 'Linked one' },
    });
    const api = new InMemoryNotificationsApi([makeNotification(), target]);
    await renderPage(api, { route: `/notifications?id=${target.id}` });

    expect(
      await screen.findByText('Read notifications (1)'),
    ).toBeInTheDocument();
    const linked = await screen.findByText('Linked one');
    const row = linked.closest('tr')!;
    expect(row).toHaveAttribute('data-highlighted', 'true');
    await waitFor(() => expect(row).toHaveFocus());
    expect(screen.getAllByTestId('notification-row')).toHaveLength(1);
  });

  it('deep links to an unread notification beyond the first page, pinning it on top', async () => {
    const target = makeNotification({
      created: new Date(Date.now() - 60 * 60 * 1000),
      payload: { title: 'Old but linked' },
    });
    const api = new InMemoryNotificationsApi([...numbered('Newer', 6), target]);
    await renderPage(api, { route: `/notifications?id=${target.id}` });

    await screen.findByText('Unread notifications (7)');
    const linked = await screen.findByText('Old but linked');
    const rows = screen.getAllByTestId('notification-row');
    expect(rows).toHaveLength(6);
    expect(rows[0]).toContainElement(linked);
    expect(rows[0]).toHaveAttribute('data-highlighted', 'true');
    expect(api.callsTo('getNotification').map(c => c.args)).toEqual([
      target.id,
    ]);
  });

  it('enables Mark all read only while something is unread', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({ read: new Date() }),
    ]);
    await renderPage(api);
    await screen.findByText('Unread notifications (0)');
    await chooseFilterShowing('View', 'All', 'All notifications (1)');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Mark all read' }),
      ).toBeDisabled(),
    );
  });

  it('renders markdown bodies without executing script or keeping unsafe links', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({
        payload: {
          title: '<img src=x onerror="window.__pwned=1">Hostile',
          // A hostile payload: the point is that this link is never rendered.
          // eslint-disable-next-line no-script-url
          link: 'javascript:alert(1)',
          description: '<script>window.__pwned=2</script>',
          metadata: {
            'backstage.io/body.markdown':
              '**bold** [good](https://example.com/ok) [bad](javascript:alert(1)) <script>window.__pwned=3</script><img src=x onerror=alert(1)>',
          },
        },
      }),
      makeNotification({
        payload: { title: 'Plain', description: '<b>not bold</b>' },
      }),
    ]);
    await renderPage(api);
    await screen.findByText('Unread notifications (2)');

    expect(screen.getByText('bold').tagName).toBe('STRONG');
    const good = screen.getByRole('link', { name: /^good/ });
    expect(good).toHaveAttribute('href', 'https://example.com/ok');
    expect(good).toHaveAttribute('target', '_blank');
    expect(good.getAttribute('rel')).toContain('noopener');
    expect(screen.queryByRole('link', { name: 'bad' })).not.toBeInTheDocument();
    expect(screen.getByText('bad').tagName).toBe('SPAN');
    expect(
      screen.getByText('<img src=x onerror="window.__pwned=1">Hostile'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Hostile/ }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('<b>not bold</b>')).toBeInTheDocument();
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
  });

  it('shows an error panel when the server fails', async () => {
    const api = new InMemoryNotificationsApi([]);
    api.failWith = new Error('backend down');
    await renderPage(api);
    expect(
      await screen.findByText(/Failed to load notifications/),
    ).toBeInTheDocument();
  });

  it('keeps the page and the last rows when a load fails, and offers Retry', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({ payload: { title: 'Still here' } }),
    ]);
    const signals = await renderPage(api);
    await screen.findByText('Still here');

    api.failWith = new Error('Failed to fetch');
    act(() =>
      signals.publish({ action: 'notification_read', notification_ids: [] }),
    );
    const notice = await screen.findByTestId('notifications-load-failed');
    expect(notice).toHaveTextContent(/Failed to load notifications/);
    expect(screen.getByText('Still here')).toBeInTheDocument();
    expect(screen.getByText('Filters')).toBeInTheDocument();

    api.failWith = undefined;
    api.notifications.push(
      makeNotification({ payload: { title: 'Back again' } }),
    );
    fireEvent.click(within(notice).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Back again')).toBeInTheDocument();
    expect(
      screen.queryByTestId('notifications-load-failed'),
    ).not.toBeInTheDocument();
  });

  describe('opening a notification', () => {
    const inApp = () =>
      makeNotification({
        payload: {
          title: 'Deploy finished',
          link: '/example-todo/7',
          metadata: {
            'backstage.io/body.markdown':
              'See [the todo](/example-todo/8) or [the docs](https://example.com/docs)',
          },
        },
      });

    it('marks it read by default and stays in the app when the title is followed', async () => {
      const notification = inApp();
      const api = new InMemoryNotificationsApi([notification]);
      await renderPage(api);
      const title = await screen.findByRole('link', {
        name: 'Deploy finished',
      });
      expect(title).not.toHaveAttribute('target');
      fireEvent.click(title);
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/example-todo/7',
      );
      await waitFor(() =>
        expect(api.callsTo('updateNotifications').map(c => c.args)).toEqual([
          { ids: [notification.id], read: true },
        ]),
      );
    });

    it('routes an in-app markdown link without a reload, underlines it, and marks read', async () => {
      const notification = inApp();
      const api = new InMemoryNotificationsApi([notification]);
      await renderPage(api);
      const todo = await screen.findByRole('link', { name: 'the todo' });
      expect(todo).not.toHaveAttribute('target');
      // Backstage UI underlines a link unless it is standalone.
      expect(todo).toHaveClass('bui-Link');
      expect(todo).not.toHaveAttribute('data-standalone');
      const docs = screen.getByRole('link', { name: /^the docs/ });
      expect(docs).toHaveAttribute('target', '_blank');
      expect(docs.getAttribute('rel')).toContain('noopener');
      fireEvent.click(todo);
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/example-todo/8',
      );
      await waitFor(() =>
        expect(api.callsTo('updateNotifications')).toHaveLength(1),
      );
    });

    it('leaves it unread when notifications.markAsReadOnLinkOpen is false', async () => {
      const api = new InMemoryNotificationsApi([inApp()]);
      await renderPage(api, {
        config: { notifications: { markAsReadOnLinkOpen: false } },
      });
      fireEvent.click(
        await screen.findByRole('link', { name: 'Deploy finished' }),
      );
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/example-todo/7',
      );
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(api.callsTo('updateNotifications')).toHaveLength(0);
    });
  });

  describe('the view in the URL', () => {
    it('opens the view a link describes', async () => {
      const api = new InMemoryNotificationsApi(
        Array.from({ length: 30 }, (_, i) =>
          makeNotification({
            read: new Date(),
            payload: { title: `Old ${i}`, severity: 'high', topic: 'db' },
          }),
        ),
      );
      await renderPage(api, {
        route:
          '/notifications?view=read&severity=high&topic=db&q=Old&sort=oldest&page=2&size=10',
      });
      expect(
        await screen.findByText('Read notifications (30)'),
      ).toBeInTheDocument();
      expect(api.lastCallTo('getNotifications')).toMatchObject({
        read: true,
        minimumSeverity: 'high',
        topic: 'db',
        search: 'Old',
        sort: 'created',
        sortOrder: 'asc',
        limit: 10,
        offset: 10,
      });
      expect(screen.getByLabelText('Search notifications')).toHaveValue('Old');
    });

    it('writes filter and page changes into the query string', async () => {
      const api = new InMemoryNotificationsApi(
        Array.from({ length: 12 }, () =>
          makeNotification({ payload: { severity: 'high' } }),
        ),
      );
      await renderPage(api);
      await screen.findByText('Unread notifications (12)');
      await chooseFilter('Min severity', 'High');
      await waitFor(() =>
        expect(screen.getByTestId('location')).toHaveTextContent(
          /^\/notifications\?severity=high$/,
        ),
      );
      fireEvent.click(screen.getByRole('button', { name: 'Next Page' }));
      await waitFor(() =>
        expect(screen.getByTestId('location')).toHaveTextContent(
          /^\/notifications\?severity=high&page=2$/,
        ),
      );
      await waitFor(() =>
        expect(api.lastCallTo('getNotifications')).toMatchObject({
          minimumSeverity: 'high',
          offset: 5,
        }),
      );
    });
  });

  it('folds long plain descriptions behind Show more', async () => {
    const long = 'x'.repeat(150);
    const api = new InMemoryNotificationsApi([
      makeNotification({ payload: { description: long } }),
    ]);
    await renderPage(api);
    expect(
      await screen.findByText(`${'x'.repeat(100)}...`),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }));
    expect(screen.getByText(long)).toBeInTheDocument();
  });
  describe('done, snooze and reasons', () => {
    it('marks a row done, offers Undo, and lists it under Done', async () => {
      const api = new InMemoryNotificationsApi([
        makeNotification({ payload: { title: 'Finish me' } }),
        makeNotification({ payload: { title: 'Stay here' } }),
      ]);
      await renderPage(api);
      await screen.findByText('Unread notifications (2)');
      expect(api.lastCallTo('getNotifications')).toMatchObject({
        done: false,
        snoozed: false,
      });

      await clickInRow('Finish me', 'Done');
      expect(
        await screen.findByText('Unread notifications (1)'),
      ).toBeInTheDocument();
      const notice = screen.getByTestId('notifications-undo-done');
      expect(notice).toHaveTextContent('1 notification marked done.');
      expect(api.notifications[0].done).toBeInstanceOf(Date);

      // Undo puts it back as it was: in the inbox and unread.
      await userEvent.click(
        within(notice).getByRole('button', { name: 'Undo' }),
      );
      expect(
        await screen.findByText('Unread notifications (2)'),
      ).toBeInTheDocument();
      expect(api.notifications[0].done).toBeUndefined();
      expect(api.notifications[0].read).toBeUndefined();
      expect(notice).toBeEmptyDOMElement();
      expect(api.callsTo('updateNotifications').map(c => c.args)).toEqual([
        { ids: [api.notifications[0].id], done: true },
        { ids: [api.notifications[0].id], done: false, read: false },
      ]);

      await clickInRow('Stay here', 'Done');
      await chooseFilterShowing('View', 'Done', 'Done notifications (1)');
      expect(screen.getByTestId('location')).toHaveTextContent(/\?view=done$/);
      expect(api.lastCallTo('getNotifications')).toMatchObject({
        done: true,
      });
      // The title follows the view at once, the rows when the list arrives.
      await waitFor(() => expect(rowOf('Stay here')).toBeDefined());
      expect(screen.getAllByTestId('notification-row')).toHaveLength(1);
      await clickInRow('Stay here', 'Move back to the inbox');
      expect(
        await screen.findByText('Done notifications (0)'),
      ).toBeInTheDocument();
    });

    it('bulk-marks the selection done', async () => {
      const api = new InMemoryNotificationsApi(numbered('Item', 3));
      await renderPage(api);
      await screen.findByText('Unread notifications (3)');
      fireEvent.click(screen.getByLabelText('Select all'));
      await userEvent.click(
        screen.getByRole('button', { name: 'Mark selected done' }),
      );
      expect(
        await screen.findByText('Unread notifications (0)'),
      ).toBeInTheDocument();
      expect(screen.getByTestId('notifications-undo-done')).toHaveTextContent(
        '3 notifications marked done.',
      );
    });

    it('snoozes a row until a preset time and shows it under Snoozed', async () => {
      const api = await renderPageWithOne('Later please');
      const before = Date.now();
      await clickInRow('Later please', 'Snooze');
      await userEvent.click(
        await screen.findByRole('menuitem', { name: 'For 1 hour' }),
      );
      expect(
        await screen.findByText('Unread notifications (0)'),
      ).toBeInTheDocument();
      const { snoozedUntil } = api.callsTo('updateNotifications')[0]
        .args as any;
      expect(snoozedUntil.getTime() - before).toBeGreaterThanOrEqual(
        60 * 60 * 1000,
      );
      expect(snoozedUntil.getTime() - before).toBeLessThan(61 * 60 * 1000);

      await chooseFilterShowing('View', 'Snoozed', 'Snoozed notifications (1)');
      expect(rowOf('Later please')).toHaveTextContent(/Snoozed until/);
      await clickInRow('Later please', 'Unsnooze');
      expect(
        await screen.findByText('Snoozed notifications (0)'),
      ).toBeInTheDocument();
      expect(api.lastCallTo('updateNotifications')).toEqual({
        ids: [api.notifications[0].id],
        snoozedUntil: null,
      });
    });

    it('shows why each notification came and filters by it', async () => {
      const api = new InMemoryNotificationsApi([
        makeNotification({
          payload: { title: 'To the team' },
          reasons: [{ type: 'group', entityRef: 'group:default/team-a' }],
        }),
        makeNotification({
          payload: { title: 'Your component' },
          reasons: [
            {
              type: 'owner',
              entityRef: 'component:default/artist-lookup',
              via: 'group:default/team-a',
            },
          ],
        }),
        makeNotification({ payload: { title: 'Old backend' } }),
      ]);
      await renderPage(api);
      await screen.findByText('Unread notifications (3)');
      expect(
        within(rowOf('To the team')).getByTestId('notification-reasons'),
      ).toHaveTextContent('Why: member of group:team-a');
      expect(
        within(rowOf('Your component')).getByTestId('notification-reasons'),
      ).toHaveTextContent(
        'Why: owner of component:artist-lookup through group:team-a',
      );
      expect(
        within(rowOf('Old backend')).queryByTestId('notification-reasons'),
      ).not.toBeInTheDocument();

      await chooseFilterShowing(
        'Why you got it',
        'As an owner',
        'Unread notifications (1)',
      );
      expect(screen.getByText('Your component')).toBeInTheDocument();
      expect(screen.getByTestId('location')).toHaveTextContent(
        /\?reason=owner$/,
      );
    });
  });

  describe('keyboard', () => {
    it('moves with j and k, acts with r, s and e, and keeps the place', async () => {
      const api = new InMemoryNotificationsApi(
        ['First', 'Second', 'Third'].map(title =>
          makeNotification({ payload: { title } }),
        ),
      );
      await renderPage(api);
      await screen.findByText('Unread notifications (3)');

      await userEvent.keyboard('j');
      expect(rowOf('First')).toHaveFocus();
      await userEvent.keyboard('j');
      expect(rowOf('Second')).toHaveFocus();
      await userEvent.keyboard('k');
      expect(rowOf('First')).toHaveFocus();
      await userEvent.keyboard('j');

      await userEvent.keyboard('s');
      await waitFor(() =>
        expect(api.notifications[1].saved).toBeInstanceOf(Date),
      );
      // Read leaves the Unread view; focus moves to the row in its place.
      await userEvent.keyboard('r');
      expect(
        await screen.findByText('Unread notifications (2)'),
      ).toBeInTheDocument();
      expect(api.notifications[1].read).toBeInstanceOf(Date);
      await waitFor(() => expect(rowOf('Third')).toHaveFocus());

      await userEvent.keyboard('e');
      expect(
        await screen.findByText('Unread notifications (1)'),
      ).toBeInTheDocument();
      expect(api.notifications[2].done).toBeInstanceOf(Date);
      await waitFor(() => expect(rowOf('First')).toHaveFocus());
    });

    it('keeps focus on the button after an action that leaves the row in view', async () => {
      const api = new InMemoryNotificationsApi([
        makeNotification({ payload: { title: 'Stays' } }),
      ]);
      await renderPage(api, { route: '/notifications?view=all' });
      await screen.findByText('All notifications (1)');
      const button = within(rowOf('Stays')).getByRole('button', {
        name: 'Mark as read',
      });
      await userEvent.click(button);
      await waitFor(() =>
        expect(
          within(rowOf('Stays')).getByRole('button', {
            name: 'Return among unread',
          }),
        ).toHaveFocus(),
      );
    });

    it('opens the help with ? and ignores letters typed into the search', async () => {
      const api = await renderPageWithOne('Quiet');

      const search = screen.getByLabelText('Search notifications');
      await userEvent.type(search, 'jres');
      expect(search).toHaveFocus();
      expect(search).toHaveValue('jres');
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
      expect(api.callsTo('updateNotifications')).toHaveLength(0);

      search.blur();
      await userEvent.keyboard('?');
      const help = await screen.findByRole('dialog');
      expect(within(help).getByText('Keyboard shortcuts')).toBeInTheDocument();
      expect(within(help).getByText('Mark read or unread')).toBeInTheDocument();
      await userEvent.keyboard('{Escape}');
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
    });
  });
});
