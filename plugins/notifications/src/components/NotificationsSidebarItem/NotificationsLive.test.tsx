import { act, screen, waitFor } from '@testing-library/react';
import {
  deliverNew,
  InMemoryNotificationsApi,
  makeNotification,
  renderWithNotifications,
} from '../../__testUtils__';
import {
  NotificationsBadgeIcon,
  NotificationsLive,
  NotificationsSidebarItem,
} from './NotificationsSidebarItem';

jest.setTimeout(30_000);

function renderLive(api: InMemoryNotificationsApi, withSidebarItem: boolean) {
  return renderWithNotifications(
    <NotificationsLive>
      <NotificationsBadgeIcon />
      {withSidebarItem && <NotificationsSidebarItem />}
    </NotificationsLive>,
    api,
  );
}

describe('NotificationsLive', () => {
  afterEach(() => {
    document.title = '';
  });

  it('keeps count, title counter and snackbars live without a sidebar item', async () => {
    document.title = 'Herald';
    const api = new InMemoryNotificationsApi([makeNotification()]);
    const signals = await renderLive(api, false);
    // The count is drawn by CSS from data-count.
    const shownCount = () =>
      screen
        .getByTestId('notifications-nav-badge')
        .querySelector('[data-count]')
        ?.getAttribute('data-count');
    await waitFor(() => expect(shownCount()).toBe('1'));
    await waitFor(() => expect(document.title).toBe('(1) Herald'));

    const arrived = makeNotification({ payload: { title: 'On the phone' } });
    deliverNew(api, signals, arrived);
    expect(await screen.findByText('On the phone')).toBeInTheDocument();
    await waitFor(() => expect(shownCount()).toBe('2'));
  });

  it('lets a sidebar item inside show its count instead of keeping its own', async () => {
    const api = new InMemoryNotificationsApi([makeNotification()]);
    const signals = await renderLive(api, true);
    await waitFor(() =>
      expect(
        screen
          .getByTestId('notifications-unread-badge')
          .querySelector('[data-count]')
          ?.getAttribute('data-count'),
      ).toBe('1'),
    );
    const arrived = makeNotification({ payload: { title: 'Only once' } });
    act(() => signals.announceNew(arrived));
    await screen.findByText('Only once');
    // One snackbar stack, one status reader.
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(signals.subscriberCount()).toBe(1);
  });
});
