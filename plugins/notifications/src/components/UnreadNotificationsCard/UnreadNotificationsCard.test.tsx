import { ComponentProps } from 'react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  deliverNew,
  InMemoryNotificationsApi,
  makeNotification,
  renderWithNotifications,
} from '../../__testUtils__';
import { UnreadNotificationsCard } from './UnreadNotificationsCard';

jest.setTimeout(30_000);

function renderCard(
  api: InMemoryNotificationsApi,
  props: ComponentProps<typeof UnreadNotificationsCard> = {},
) {
  return renderWithNotifications(<UnreadNotificationsCard {...props} />, api);
}

describe('UnreadNotificationsCard', () => {
  it('lists the latest unread notifications as plain text, linked to the page', async () => {
    const first = makeNotification({
      payload: {
        title: '**Deploy** <b>done</b> for the payments service',
        description: '<script>x()</script>All green',
      },
    });
    const api = new InMemoryNotificationsApi([
      first,
      makeNotification(),
      makeNotification(),
      makeNotification({ read: new Date() }),
    ]);
    await renderCard(api, { maxMessages: 2, charLimit: 20 });

    expect(
      await screen.findByText('Last unread notifications (3)'),
    ).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Deploy done for the ...' });
    expect(link).toHaveAttribute('href', `/notifications?id=${first.id}`);
    expect(screen.getByText('All green')).toBeInTheDocument();
    expect(screen.getByText('2 results out of 3')).toBeInTheDocument();
    // Done and snoozed notifications are out of the inbox and the card.
    expect(api.callsTo('getNotifications')[0].args).toEqual({
      limit: 2,
      read: false,
      done: false,
      snoozed: false,
      sort: 'created',
      sortOrder: 'desc',
    });
  });

  it('marks one done from the card, which takes it out of the card', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({ payload: { title: 'Handled' } }),
      makeNotification({
        payload: { title: 'Already done' },
        done: new Date(),
        read: new Date(),
      }),
      makeNotification({
        payload: { title: 'Asleep' },
        snoozedUntil: new Date(Date.now() + 3_600_000),
      }),
    ]);
    await renderCard(api);
    expect(
      await screen.findByText('Last unread notifications (1)'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Asleep')).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByText('All caught up!')).toBeInTheDocument();
    expect(api.callsTo('updateNotifications').map(c => c.args)).toEqual([
      { ids: [api.notifications[0].id], done: true },
    ]);
  });

  it('marks one read from the card and refreshes on signals', async () => {
    const api = new InMemoryNotificationsApi([
      makeNotification({ payload: { title: 'Only one' } }),
    ]);
    const signals = await renderCard(api);
    await screen.findByText('Last unread notifications (1)');

    fireEvent.click(screen.getByRole('button', { name: 'Mark as read' }));
    expect(await screen.findByText('All caught up!')).toBeInTheDocument();

    const arrived = makeNotification({ payload: { title: 'Fresh' } });
    deliverNew(api, signals, arrived, { embedded: false });
    await waitFor(() => expect(screen.getByText('Fresh')).toBeInTheDocument(), {
      timeout: 5000,
    });
  });
});
