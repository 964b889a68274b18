import { Notification } from '@herald/plugin-notifications-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import { ReactElement } from 'react';
import {
  InMemoryNotificationsApi,
  makeNotification,
  renderWithNotifications,
} from '../__testUtils__';
import { NotificationsPage } from './NotificationsPage';
import { NotificationsSidebarItem } from './NotificationsSidebarItem';
import { NotificationsTable } from './NotificationsTable';
import { UnreadNotificationsCard } from './UnreadNotificationsCard';

// The script URLs are payloads under test, never evaluated.
/* eslint-disable no-script-url */

jest.setTimeout(60_000);

const PLACEHOLDER = 'This notification could not be shown';

/** Payloads a sender, a processor or an old row can put in front of a user. */
function hostileNotifications(): Notification[] {
  return [
    makeNotification({ payload: { title: 'Bad code point &#x110000; here' } }),
    makeNotification({ payload: { title: 'Lone \uD800 surrogate' } }),
    makeNotification({ payload: { title: 'Reversed \u202Etxt.exe' } }),
    makeNotification({
      payload: { title: 'Nul \u0000 byte', description: 'x\u0000y&#0;' },
    }),
    makeNotification({
      payload: {
        title: `Huge ${'&#x110000;'.repeat(1000)}`,
        description: `${'<b>'.repeat(50_000)}${'x'.repeat(200_000)}`,
      },
    }),
    makeNotification({
      payload: { title: 'Tab redirect', link: '/\t/evil.test/x' },
    }),
    makeNotification({
      payload: { title: 'Backslash redirect', link: '/\\evil.test/x' },
    }),
    makeNotification({
      payload: { title: 'Script link', link: 'java\tscript:alert(1)' },
    }),
    makeNotification({
      payload: {
        title: 'Markdown traps',
        metadata: {
          'backstage.io/body.markdown':
            '[tab](/%09/x) [t2](</\t/evil.test/y>) [bs](/\\evil.test/z) &#x110000; \uD800',
        },
      },
    }),
    makeNotification({
      payload: { title: 'Odd severity', severity: 'urgent' as any },
    }),
    makeNotification({ created: 'not a date' as any }),
    // A title that is not text cannot be rendered at all.
    makeNotification({ payload: { title: { html: '<b>x</b>' } as any } }),
  ];
}

async function render(element: ReactElement) {
  const api = new InMemoryNotificationsApi([
    makeNotification({ payload: { title: 'Harmless neighbour' } }),
    ...hostileNotifications(),
  ]);
  const signals = await renderWithNotifications(element, api);
  return { api, signals };
}

/**
 * Every rendered href, read as the browser reads it, stays in the app or is
 * an http(s) URL that does not pretend to be a path.
 */
function expectNoDisguisedLinks() {
  const hrefs = [...document.querySelectorAll('a[href]')].map(
    a => a.getAttribute('href')!,
  );
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) {
    const url = new URL(href, window.location.href);
    expect(['http:', 'https:']).toContain(url.protocol);
    expect(url.host).not.toBe('evil.test');
    if (url.origin !== window.location.origin) {
      expect(href).toMatch(/^https?:\/\//);
    }
  }
}

describe('hostile notifications', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    // A notification that fails to render is logged by React and the boundary.
    errors = jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => errors.mockRestore());

  it('leave the table up, the one that cannot render replaced by a placeholder', async () => {
    const notifications = [
      makeNotification({ payload: { title: 'Harmless neighbour' } }),
      ...hostileNotifications(),
    ];
    await render(
      <NotificationsTable
        title="Unread"
        isUnread
        notifications={notifications}
        onUpdate={() => {}}
        setContainsText={() => {}}
        onPageChange={() => {}}
        onRowsPerPageChange={() => {}}
        page={0}
        pageSize={20}
        totalCount={notifications.length}
      />,
    );
    expect(screen.getByText('Harmless neighbour')).toBeInTheDocument();
    const rows = screen.getAllByTestId('notification-row');
    expect(rows).toHaveLength(notifications.length);
    expect(within(rows[12]).getByText(PLACEHOLDER)).toBeInTheDocument();
    expect(screen.getAllByText(PLACEHOLDER)).toHaveLength(1);
    for (const title of ['Tab redirect', 'Backslash redirect', 'Script link']) {
      expect(screen.getByText(title).closest('a')).toBeNull();
    }
    expect(screen.getByText('tab').closest('a')).toHaveAttribute(
      'href',
      '/%09/x',
    );
    // The markdown parser percent-encodes the tab of an autolink.
    expect(screen.getByText('t2').closest('a')).toHaveAttribute(
      'href',
      '/%09/evil.test/y',
    );
    expect(screen.getByText('bs').closest('a')).toHaveAttribute(
      'href',
      '/%5Cevil.test/z',
    );
    expect(screen.getByText(/Reversed/).closest('bdi')).not.toBeNull();
    expectNoDisguisedLinks();
  });

  it('leave the inbox page up', async () => {
    await render(<NotificationsPage />);
    expect(
      await screen.findByText('Unread notifications (13)'),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('notification-row')).toHaveLength(5);
    expect(screen.getByText('Filters')).toBeInTheDocument();
  });

  it('leave the home card up with plain text previews', async () => {
    await render(<UnreadNotificationsCard maxMessages={20} />);
    expect(
      await screen.findByText('Last unread notifications (13)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Harmless neighbour')).toBeInTheDocument();
    expect(screen.getByText('Bad code point \uFFFD here')).toBeInTheDocument();
    expect(screen.getByText('Lone \uFFFD surrogate')).toBeInTheDocument();
    expect(screen.getByText('Reversed txt.exe')).toBeInTheDocument();
    expect(screen.getByText('13 results out of 13')).toBeInTheDocument();
    expectNoDisguisedLinks();
  });

  it('leave the sidebar up and show snackbars for them', async () => {
    const { signals } = await render(<NotificationsSidebarItem />);
    await screen.findByRole('link', { name: /Notifications/ });
    const all = hostileNotifications();
    // Three arrive at once (a bad code point, a lone surrogate and a title
    // that is not text) and share one snackbar that lists them.
    for (const notification of [all[0], all[1], all[all.length - 1]]) {
      act(() => signals.announceNew(notification));
    }
    expect(
      await screen.findByText('Bad code point \uFFFD here'),
    ).toBeInTheDocument();
    expect(screen.getByText('Lone \uFFFD surrogate')).toBeInTheDocument();
    expect(screen.getByText('3 new notifications')).toBeInTheDocument();
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(
      screen.getByTestId('notifications-unread-badge'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Notifications/ })).toHaveAttribute(
      'href',
      '/notifications',
    );
  });

  it('keep a way to the page when the live sidebar item itself fails', async () => {
    const { signals } = await render(<NotificationsSidebarItem />);
    await screen.findByTestId('notifications-unread-badge');
    act(() =>
      signals.publish({
        action: 'new_notification',
        notification_id: 'broken',
        notification: { id: 'broken', payload: null },
      }),
    );
    await waitFor(() =>
      expect(
        screen.queryByTestId('notifications-unread-badge'),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('link', { name: 'Notifications' })).toHaveAttribute(
      'href',
      '/notifications',
    );
  });
});
