import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { NotificationSettings } from '@herald/plugin-notifications-common';
import { notificationsApiRef } from '../../api';
import { InMemoryNotificationsApi } from '../../__testUtils__';
import { UserNotificationSettingsCard } from './UserNotificationSettingsCard';

const settings: NotificationSettings = {
  channels: [
    {
      id: 'Web',
      origins: [
        {
          id: 'plugin:scaffolder',
          enabled: true,
          topics: [
            { id: 'task-done', enabled: true },
            { id: 'task_failed', enabled: false },
          ],
        },
        { id: 'external:external-ci', enabled: true },
      ],
    },
    {
      id: 'Email',
      origins: [{ id: 'plugin:scaffolder', enabled: false }],
    },
  ],
};

async function renderCard(api: InMemoryNotificationsApi, props = {}) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [notificationsApiRef, api],
        // A backend without the email module: no digest choice is shown.
        [discoveryApiRef, { getBaseUrl: async () => 'http://backend.test' }],
        [fetchApiRef, { fetch: async () => new Response('', { status: 404 }) }],
      ]}
    >
      <UserNotificationSettingsCard {...props} />
    </TestApiProvider>,
  );
}

describe('UserNotificationSettingsCard', () => {
  it('shows channels by origins with display names and overrides', async () => {
    const api = new InMemoryNotificationsApi([], settings);
    await renderCard(api, {
      originNames: { 'external:external-ci': 'CI jobs' },
    });

    expect(
      await screen.findByText('Notification settings'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('columnheader', { name: 'Web' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('columnheader', { name: 'Email' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Plugin scaffolder')).toBeInTheDocument();
    expect(screen.getByText('CI jobs')).toBeInTheDocument();
    expect(
      screen.getByLabelText('Web notifications from Plugin scaffolder'),
    ).toBeChecked();
    expect(
      screen.getByLabelText('Email notifications from Plugin scaffolder'),
    ).not.toBeChecked();
    // Unknown origin in a channel follows the channel, enabled by default.
    expect(
      screen.getByLabelText('Email notifications from CI jobs'),
    ).toBeChecked();
  });

  it('expands topics and saves the whole settings object on each toggle', async () => {
    const api = new InMemoryNotificationsApi([], settings);
    await renderCard(api, { topicNames: { task_failed: 'Failed tasks' } });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show Topics for the Plugin scaffolder origin',
      }),
    );
    expect(
      screen.getByLabelText(
        'Web notifications from Plugin scaffolder about Task done',
      ),
    ).toBeChecked();
    expect(
      screen.getByLabelText(
        'Web notifications from Plugin scaffolder about Failed tasks',
      ),
    ).not.toBeChecked();

    fireEvent.click(
      screen.getByLabelText(
        'Web notifications from Plugin scaffolder about Failed tasks',
      ),
    );
    await waitFor(() =>
      expect(api.callsTo('updateNotificationSettings')).toHaveLength(1),
    );
    const saved = api.callsTo('updateNotificationSettings')[0]
      .args as NotificationSettings;
    expect(saved.channels).toHaveLength(2);
    expect(saved.channels[0].origins[0].topics).toEqual([
      { id: 'task-done', enabled: true },
      { id: 'task_failed', enabled: true },
    ]);
    await waitFor(() =>
      expect(
        screen.getByLabelText(
          'Web notifications from Plugin scaffolder about Failed tasks',
        ),
      ).toBeChecked(),
    );
  });

  it('turning an origin off turns its topics off and locks them', async () => {
    const api = new InMemoryNotificationsApi([], settings);
    await renderCard(api);
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Show Topics for the Plugin scaffolder origin',
      }),
    );
    fireEvent.click(
      screen.getByLabelText('Web notifications from Plugin scaffolder'),
    );
    await waitFor(() =>
      expect(
        screen.getByLabelText('Web notifications from Plugin scaffolder'),
      ).not.toBeChecked(),
    );
    const web = api.settings.channels[0].origins[0];
    expect(web).toEqual({
      id: 'plugin:scaffolder',
      enabled: false,
      topics: [
        { id: 'task-done', enabled: false },
        { id: 'task_failed', enabled: false },
      ],
    });
    expect(
      screen.getByLabelText(
        'Web notifications from Plugin scaffolder about Task done',
      ),
    ).toBeDisabled();
  });

  describe('on a narrow card', () => {
    /** Reports every observed element as 360 px wide, as on a phone. */
    class NarrowResizeObserver {
      constructor(
        private readonly callback: (
          entries: Array<{ contentRect: any }>,
        ) => void,
      ) {}
      observe() {
        this.callback([{ contentRect: { width: 360 } }]);
      }
      disconnect() {}
    }

    beforeEach(() => {
      (window as any).ResizeObserver = NarrowResizeObserver;
    });
    afterEach(() => {
      delete (window as any).ResizeObserver;
    });

    it('lists each origin with switches labelled by channel instead of a grid', async () => {
      const api = new InMemoryNotificationsApi([], settings);
      await renderCard(api, {
        originNames: { 'external:external-ci': 'CI jobs' },
        topicNames: { task_failed: 'Failed tasks' },
      });
      const origins = await screen.findAllByTestId('settings-origin');
      expect(screen.queryByRole('table')).not.toBeInTheDocument();
      expect(
        origins.map(origin => origin.querySelector('h3')?.textContent),
      ).toEqual(['Plugin scaffolder', 'CI jobs']);
      const web = screen.getByLabelText(
        'Web notifications from Plugin scaffolder',
      );
      expect(web).toBeChecked();
      // The channel's name is the switch's visible label.
      expect(web.closest('label')).toHaveTextContent(/^Web$/);

      fireEvent.click(
        screen.getByRole('button', {
          name: 'Show Topics for the Plugin scaffolder origin',
        }),
      );
      // The origin is off for email, so its topics stay locked.
      expect(
        screen.getByLabelText(
          'Email notifications from Plugin scaffolder about Failed tasks',
        ),
      ).toBeDisabled();
      fireEvent.click(
        screen.getByLabelText(
          'Web notifications from Plugin scaffolder about Failed tasks',
        ),
      );
      await waitFor(() =>
        expect(
          screen.getByLabelText(
            'Web notifications from Plugin scaffolder about Failed tasks',
          ),
        ).toBeChecked(),
      );
      expect(api.settings.channels[0].origins[0].topics).toEqual([
        { id: 'task-done', enabled: true },
        { id: 'task_failed', enabled: true },
      ]);
    });
  });

  it('says so when there are no settings', async () => {
    await renderCard(new InMemoryNotificationsApi([], { channels: [] }));
    expect(
      await screen.findByText(
        'No notification settings available, check back later',
      ),
    ).toBeInTheDocument();
  });

  it('shows an error panel when settings cannot be loaded', async () => {
    const api = new InMemoryNotificationsApi([]);
    api.failWith = new Error('nope');
    await renderCard(api);
    expect(
      await screen.findByText(/Failed to load settings/),
    ).toBeInTheDocument();
  });
});
