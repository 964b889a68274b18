import { alertApiRef } from '@backstage/core-plugin-api';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@herald/plugin-signals-react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { notificationsApiRef } from '../api';
import {
  InMemoryNotificationsApi,
  makeNotification,
  ManualSignalApi,
} from '../__testUtils__';
import { useRefreshOnSignal } from './useRefreshOnSignal';
import { useUnreadCount } from './useUnreadCount';
import { useUpdateNotifications } from './useUpdateNotifications';

function setup(api = new InMemoryNotificationsApi()) {
  const signals = new ManualSignalApi();
  const alerts: Array<{ message: string }> = [];
  const alertApi = {
    post: (alert: { message: string }) => alerts.push(alert),
    alert$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
  };
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider
      apis={[
        [notificationsApiRef, api],
        [signalApiRef, signals as any],
        [alertApiRef, alertApi as any],
      ]}
    >
      {children}
    </TestApiProvider>
  );
  return { api, signals, alerts, wrapper };
}

const newSignal = (id: string) => ({
  action: 'new_notification' as const,
  notification_id: id,
});

describe('useRefreshOnSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refreshes once for a burst, then once more after it, never while busy', () => {
    const { signals, wrapper } = setup();
    const { result } = renderHook(
      () => useRefreshOnSignal({ throttleMs: 500 }),
      { wrapper },
    );
    expect(result.current.refreshCount).toBe(0);
    act(() => signals.publish(newSignal('a')));
    expect(result.current.refreshCount).toBe(1);

    act(() => result.current.setBusy(true));
    act(() => {
      for (let i = 0; i < 50; i += 1) {
        signals.publish(newSignal(`b${i}`));
      }
    });
    act(() => jest.advanceTimersByTime(600));
    // The trailing refresh of the burst waits for the running load.
    expect(result.current.refreshCount).toBe(1);
    act(() => result.current.setBusy(false));
    expect(result.current.refreshCount).toBe(2);
  });

  it('passes every signal of a burst to onSignal', () => {
    const { signals, wrapper } = setup();
    const seen: string[] = [];
    renderHook(
      () =>
        useRefreshOnSignal({
          throttleMs: 500,
          onSignal: signal => {
            if (signal.action === 'new_notification') {
              seen.push(signal.notification_id);
            }
          },
        }),
      { wrapper },
    );
    act(() => {
      signals.publish(newSignal('1'));
      signals.publish(newSignal('2'));
      signals.publish(newSignal('3'));
    });
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('refreshes after a reconnect', () => {
    const { signals, wrapper } = setup();
    const { result } = renderHook(
      () => useRefreshOnSignal({ throttleMs: 500 }),
      { wrapper },
    );
    act(() => signals.setState('connected'));
    act(() => signals.setState('disconnected'));
    expect(result.current.signal.needsPolling).toBe(true);
    act(() => signals.setState('connected'));
    expect(result.current.refreshCount).toBe(1);
  });
});

describe('useUnreadCount', () => {
  it('follows signals', async () => {
    const { api, signals, wrapper } = setup(
      new InMemoryNotificationsApi([makeNotification()]),
    );
    const { result } = renderHook(() => useUnreadCount(), { wrapper });
    await waitFor(() => expect(result.current.unreadCount).toBe(1));
    const arrived = makeNotification();
    api.notifications.push(arrived);
    act(() => signals.publish(newSignal(arrived.id)));
    await waitFor(() => expect(result.current.unreadCount).toBe(2));
  });
});

describe('useUpdateNotifications', () => {
  it('updates and resolves true, or alerts and resolves false', async () => {
    const notification = makeNotification();
    const { api, alerts, wrapper } = setup(
      new InMemoryNotificationsApi([notification]),
    );
    const { result } = renderHook(
      () => useUpdateNotifications(e => `failed: ${e.message}`),
      { wrapper },
    );
    await expect(
      result.current([notification.id], { read: true }),
    ).resolves.toBe(true);
    expect(api.notifications[0].read).toBeDefined();
    expect(alerts).toEqual([]);

    api.failWith = new Error('down');
    await expect(
      result.current([notification.id], { saved: true }),
    ).resolves.toBe(false);
    expect(alerts.map(a => a.message)).toEqual(['failed: down']);
  });
});
