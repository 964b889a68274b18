import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  deliverNew,
  InMemoryNotificationsApi,
  makeNotification,
  renderWithNotifications,
} from '../../__testUtils__';
import {
  NotificationsSideBarItemProps,
  NotificationsSidebarItem,
} from './NotificationsSidebarItem';

function renderItem(
  api: InMemoryNotificationsApi,
  props: NotificationsSideBarItemProps = {},
  options: { signalsInstalled?: boolean } = {},
) {
  return renderWithNotifications(
    <NotificationsSidebarItem {...props} />,
    api,
    options,
  );
}

const badge = () => screen.getByTestId('notifications-unread-badge');
/** What the badge shows; drawn by CSS from `data-count`, absent at zero. */
const shownCount = () =>
  screen.queryByTestId('notifications-badge-count')?.getAttribute('data-count');

jest.setTimeout(30_000);

describe('NotificationsSidebarItem', () => {
  afterEach(() => {
    document.title = '';
  });

  it('links to the page and shows the unread count with the default text', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification(),
      makeNotification(),
      makeNotification({ read: new Date() }),
    ]);
    await renderItem(api);
    await screen.findByRole('link');
    await waitFor(() => expect(shownCount()).toBe('2'));
    // The link's name starts with the count it shows, so it holds the
    // visible text (WCAG 2.5.3, axe label-content-name-mismatch).
    expect(
      screen.getByRole('link', { name: '2 Notifications' }),
    ).toHaveAttribute('href', '/notifications');
    // The count is the inbox's: done and snoozed ones are out of it.
    expect(api.callsTo('getStatus')[0].args).toEqual({
      done: false,
      snoozed: false,
    });
  });

  it('shows 99+ above 99', async () => {
    const api = new InMemoryNotificationsApi(
      Array.from({ length: 120 }, () => makeNotification()),
    );
    await renderItem(api);
    await waitFor(() => expect(shownCount()).toBe('99+'));
  });

  it('follows signals: a new notification raises the count and shows a snackbar from the signal payload', async () => {
    const api = new InMemoryNotificationsApi([]);
    const signals = await renderItem(api);
    await waitFor(() => expect(api.callsTo('getStatus')).toHaveLength(1));

    const arrived = makeNotification({
      payload: { title: 'Deploy finished', severity: 'high' },
    });
    deliverNew(api, signals, arrived);
    await waitFor(() => expect(shownCount()).toBe('1'));
    expect(await screen.findByText('Deploy finished')).toBeInTheDocument();
    expect(api.callsTo('getNotification')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Mark as read' }));
    await waitFor(() => expect(api.notifications[0].read).toBeInstanceOf(Date));
    act(() =>
      signals.publish({
        action: 'notification_read',
        notification_ids: [arrived.id],
      }),
    );
    await waitFor(() => expect(shownCount()).not.toBe('1'));
  });

  it('fetches the notification by id when the signal has no payload (upstream backends)', async () => {
    const api = new InMemoryNotificationsApi([]);
    const signals = await renderItem(api);
    const arrived = makeNotification({ payload: { title: 'x'.repeat(60) } });
    deliverNew(api, signals, arrived, { embedded: false });
    expect(await screen.findByText(`${'x'.repeat(50)}...`)).toBeInTheDocument();
    expect(api.callsTo('getNotification').map(c => c.args)).toEqual([
      arrived.id,
    ]);
  });

  describe('opening a snackbar', () => {
    let opened: jest.SpyInstance;
    beforeEach(() => {
      opened = jest.spyOn(window, 'open').mockReturnValue(null);
    });
    afterEach(() => opened.mockRestore());

    /** Delivers a notification with `link` and clicks its snackbar's Open. */
    async function openFromSnackbar(link: string | undefined) {
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api);
      const arrived = makeNotification({ payload: { title: 'Arrived', link } });
      deliverNew(api, signals, arrived);
      await screen.findByText('Arrived');
      fireEvent.click(screen.getByRole('button', { name: 'Open' }));
      return { api, arrived };
    }

    async function expectMarkedRead(api: InMemoryNotificationsApi, id: string) {
      await waitFor(() =>
        expect(api.callsTo('updateNotifications').map(c => c.args)).toEqual([
          { ids: [id], read: true },
        ]),
      );
    }

    it('opens an external link in a new tab and marks it read', async () => {
      const { api, arrived } = await openFromSnackbar(
        'https://example.com/run/1',
      );
      expect(opened).toHaveBeenCalledWith(
        'https://example.com/run/1',
        '_blank',
        'noopener,noreferrer',
      );
      await expectMarkedRead(api, arrived.id);
    });

    it.each([
      ['an in-app path', '/example-todo/42?tab=a', '/example-todo/42?tab=a'],
      [
        'a same-origin URL',
        `${window.location.origin}/catalog/x`,
        '/catalog/x',
      ],
      ['no link (its row in the inbox)', undefined, '/notifications?id='],
    ])(
      'opens %s inside the app, without a new tab, and marks it read',
      async (_case, link, expected) => {
        const { api, arrived } = await openFromSnackbar(link);
        const where = expected.endsWith('id=')
          ? `${expected}${encodeURIComponent(arrived.id)}`
          : expected;
        await waitFor(() =>
          expect(screen.getByTestId('location')).toHaveTextContent(where),
        );
        expect(opened).not.toHaveBeenCalled();
        await expectMarkedRead(api, arrived.id);
      },
    );
  });

  describe('bursts and severity', () => {
    it('shows notifications arriving together as one snackbar, most severe first, whose View opens the inbox', async () => {
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api);
      const burst = Array.from({ length: 12 }, (_, i) =>
        makeNotification({
          payload: {
            title: i === 7 ? 'The database is down' : `Routine ${i}`,
            severity: i === 7 ? 'critical' : 'low',
          },
        }),
      );
      api.notifications.push(...burst);
      act(() => burst.forEach(n => signals.announceNew(n)));
      const snack = await screen.findByTestId('notifications-burst-snackbar');
      expect(snack).toHaveTextContent(
        /^12 new notificationsThe database is down/,
      );
      expect(within(snack).getAllByRole('img')[0]).toHaveAccessibleName(
        'Severity critical',
      );
      expect(screen.getAllByRole('alert')).toHaveLength(1);
      expect(
        within(screen.getByRole('alert')).queryByRole('button', {
          name: 'Open',
        }),
      ).not.toBeInTheDocument();
      fireEvent.click(screen.getByRole('button', { name: 'View' }));
      await waitFor(() =>
        expect(screen.getByTestId('location')).toHaveTextContent(
          /^\/notifications$/,
        ),
      );
    });

    it('updates an open snackbar when its notification is sent again for its scope', async () => {
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api);
      const first = makeNotification({
        payload: { title: 'Build 7 running' },
      });
      act(() => signals.announceNew(first));
      await screen.findByText('Build 7 running');
      act(() =>
        signals.announceNew({
          ...first,
          payload: { ...first.payload, title: 'Build 7 failed' },
        }),
      );
      expect(await screen.findByText('Build 7 failed')).toBeInTheDocument();
      expect(screen.queryByText('Build 7 running')).not.toBeInTheDocument();
      expect(screen.getAllByRole('alert')).toHaveLength(1);
    });

    it('draws critical and high snackbars in their own colours, with icons in the text colour', async () => {
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api);
      act(() =>
        signals.announceNew(
          makeNotification({
            payload: { title: 'On fire', severity: 'critical' },
          }),
        ),
      );
      const alert = (await screen.findByText('On fire')).closest(
        '[role="alert"]',
      ) as HTMLElement;
      expect(alert).toHaveStyle({
        backgroundColor: '#b71c1c',
        color: '#ffffff',
      });
      // No severity colour of its own: it takes the snackbar's white.
      const icon = alert.querySelector('[data-severity="critical"]')!;
      expect(icon.getAttribute('class')).not.toMatch(/critical/);
    });
  });

  it.each([
    [
      'read',
      (id: string) => ({ action: 'notification_read', notification_ids: [id] }),
    ],
    [
      'done',
      (id: string) => ({ action: 'notification_done', notification_ids: [id] }),
    ],
    [
      'snoozed',
      (id: string) => ({
        action: 'notification_snoozed',
        notification_ids: [id],
        until: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ],
  ])(
    'closes the snackbar when the notification is %s elsewhere',
    async (_case, dealtWith) => {
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api);
      const arrived = makeNotification({ payload: { title: 'Dealt with' } });
      deliverNew(api, signals, arrived);
      expect(await screen.findByText('Dealt with')).toBeInTheDocument();
      act(() => signals.publish(dealtWith(arrived.id)));
      // The snackbar leaves with its exit transition.
      await waitFor(
        () => expect(screen.queryByText('Dealt with')).not.toBeInTheDocument(),
        { timeout: 5000 },
      );
    },
  );

  it('shows a snoozed notification again when it wakes, as a new one', async () => {
    const woken = makeNotification({
      payload: { title: 'Back from snooze' },
      snoozedUntil: new Date(Date.now() - 1000),
    });
    const api = new InMemoryNotificationsApi([]);
    const signals = await renderItem(api);
    await waitFor(() => expect(api.callsTo('getStatus')).toHaveLength(1));
    deliverNew(api, signals, woken);
    expect(await screen.findByText('Back from snooze')).toBeInTheDocument();
    await waitFor(() => expect(shownCount()).toBe('1'));
  });

  it('shows no snackbar when snackbars are disabled', async () => {
    const api = new InMemoryNotificationsApi([]);
    const signals = await renderItem(api, {
      snackbarProps: { enabled: false },
    });
    const arrived = makeNotification({ payload: { title: 'Quiet one' } });
    deliverNew(api, signals, arrived);
    await waitFor(() => expect(shownCount()).toBe('1'));
    expect(screen.queryByText('Quiet one')).not.toBeInTheDocument();
  });

  it('polls the count when signals are not installed', async () => {
    const api = new InMemoryNotificationsApi([]);
    await renderItem(
      api,
      { pollingIntervalMs: 20 },
      { signalsInstalled: false },
    );
    await waitFor(() =>
      expect(api.callsTo('getStatus').length).toBeGreaterThan(0),
    );
    api.notifications.push(makeNotification());
    await waitFor(() => expect(shownCount()).toBe('1'));
  });

  it('prefixes the document title with the count', async () => {
    document.title = 'Herald';
    const api = new InMemoryNotificationsApi([
      makeNotification(),
      makeNotification(),
      makeNotification(),
    ]);
    await renderItem(api);
    await waitFor(() => expect(document.title).toBe('(3) Herald'));
  });

  it('leaves the title alone when the counter is disabled', async () => {
    document.title = 'Herald';
    const api = new InMemoryNotificationsApi([makeNotification()]);
    await renderItem(api, { titleCounterEnabled: false });
    await waitFor(() =>
      expect(api.callsTo('getStatus').length).toBeGreaterThan(0),
    );
    expect(document.title).toBe('Herald');
  });

  it('hands count and target to renderItem', async () => {
    const api = new InMemoryNotificationsApi([makeNotification()]);
    await renderItem(api, {
      renderItem: ({ unreadCount, to }) => (
        <a href={to}>Inbox has {unreadCount}</a>
      ),
    });
    expect(await screen.findByText('Inbox has 1')).toHaveAttribute(
      'href',
      '/notifications',
    );
  });
  it('uses a custom text', async () => {
    await renderItem(new InMemoryNotificationsApi([]), { text: 'Inbox' });
    expect(
      await screen.findByRole('link', { name: 'Inbox' }),
    ).toBeInTheDocument();
  });

  it('refetches the count after a reconnect or a gap, and polls while disconnected', async () => {
    const api = new InMemoryNotificationsApi([]);
    const signals = await renderItem(api, { pollingIntervalMs: 20 });
    act(() => signals.setState('connected'));
    await waitFor(() => expect(api.callsTo('getStatus')).toHaveLength(1));

    api.notifications.push(makeNotification());
    act(() => signals.setState('connecting'));
    await waitFor(() => expect(shownCount()).toBe('1'));

    act(() => signals.setState('connected'));
    const afterReconnect = api.callsTo('getStatus').length;
    api.notifications.push(makeNotification());
    act(() => signals.gap());
    await waitFor(() => expect(shownCount()).toBe('2'));
    await new Promise(resolve => setTimeout(resolve, 100));
    // Connected again: no more polling, only the gap's refetch.
    expect(api.callsTo('getStatus').length).toBeLessThanOrEqual(
      afterReconnect + 1,
    );
  });

  describe('offline', () => {
    it('keeps the last count while the connection is down, marks it reconnecting, and clears on reconnect', async () => {
      document.title = 'Herald';
      const api = new InMemoryNotificationsApi([
        makeNotification(),
        makeNotification(),
      ]);
      const signals = await renderItem(api);
      act(() => signals.setState('connected'));
      await waitFor(() => expect(shownCount()).toBe('2'));
      expect(badge()).not.toHaveAttribute('data-reconnecting');

      api.failWith = new Error('Failed to fetch');
      act(() => signals.setState('connecting'));
      await waitFor(() =>
        expect(badge()).toHaveAttribute('data-reconnecting', 'true'),
      );
      expect(shownCount()).toBe('2');
      expect(badge()).toHaveAccessibleName(
        'Unread notifications, reconnecting',
      );
      expect(screen.getByTestId('notifications-reconnecting')).toBeVisible();
      await waitFor(() =>
        expect(document.title).toBe('(2, reconnecting) Herald'),
      );

      api.failWith = undefined;
      api.notifications.push(makeNotification());
      act(() => signals.setState('connected'));
      await waitFor(() => expect(shownCount()).toBe('3'));
      expect(badge()).not.toHaveAttribute('data-reconnecting');
      await waitFor(() => expect(document.title).toBe('(3) Herald'));
    });

    it('never falls to zero when the status read fails, and recovers by itself', async () => {
      const api = new InMemoryNotificationsApi([makeNotification()]);
      const signals = await renderItem(api);
      await waitFor(() => expect(shownCount()).toBe('1'));

      api.failWith = new Error('Failed to fetch');
      act(() =>
        signals.publish({ action: 'notification_read', notification_ids: [] }),
      );
      await waitFor(() =>
        expect(badge()).toHaveAttribute('data-reconnecting', 'true'),
      );
      expect(shownCount()).toBe('1');

      api.failWith = undefined;
      act(() =>
        signals.publish({ action: 'notification_read', notification_ids: [] }),
      );
      await waitFor(() =>
        expect(badge()).not.toHaveAttribute('data-reconnecting'),
      );
      expect(shownCount()).toBe('1');
    });
  });

  describe('browser notifications', () => {
    const shown: Array<{ title: string; options: NotificationOptions }> = [];
    let permission: NotificationPermission = 'default';
    const requestPermission = jest.fn(async () => {
      permission = 'granted';
      return permission;
    });
    class FakeNotification {
      static get permission() {
        return permission;
      }
      static requestPermission = requestPermission;
      onclick: ((event: Event) => void) | null = null;
      constructor(title: string, options: NotificationOptions) {
        shown.push({ title, options });
      }
      close() {}
    }

    beforeEach(() => {
      shown.length = 0;
      requestPermission.mockClear();
      (window as any).Notification = FakeNotification;
    });
    afterEach(() => {
      delete (window as any).Notification;
    });

    it('asks for permission on a click, then shows new notifications', async () => {
      permission = 'default';
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api, {
        webNotificationsEnabled: true,
        snackbarProps: { enabled: false },
      });
      fireEvent.click(
        await screen.findByRole('link', { name: 'Notifications' }),
      );
      await waitFor(() => expect(requestPermission).toHaveBeenCalledTimes(1));

      const arrived = makeNotification({
        payload: { title: 'Web one', description: '**Markdown** body' },
      });
      deliverNew(api, signals, arrived);
      await waitFor(() =>
        expect(shown).toEqual([
          {
            title: 'Web one',
            options: { body: 'Markdown body', tag: arrived.id },
          },
        ]),
      );
    });

    it('shows nothing when web notifications are off, even if permitted', async () => {
      permission = 'granted';
      const api = new InMemoryNotificationsApi([]);
      const signals = await renderItem(api);
      const arrived = makeNotification();
      deliverNew(api, signals, arrived);
      await waitFor(() => expect(shownCount()).toBe('1'));
      expect(shown).toEqual([]);
      expect(requestPermission).not.toHaveBeenCalled();
    });
  });
});
