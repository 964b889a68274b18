import { ReactNode } from 'react';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { JsonObject } from '@backstage/types';
import { Notification } from '@herald/plugin-notifications-common';
import { signalApiRef } from '@herald/plugin-signals-react';
import { act } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { notificationsApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { InMemoryNotificationsApi, ManualSignalApi } from './fakes';

/** Shows where the app's router is, to see in-app navigation. */
function Location() {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
}

/**
 * Renders `ui` in a test app with the notifications page's route mounted,
 * `api` as the notifications API and a manual signal API, and the router's
 * location under the test id `location`. Resolves to the signal API, which
 * is left out of the app with `signalsInstalled: false`.
 */
export async function renderWithNotifications(
  ui: ReactNode,
  api: InMemoryNotificationsApi,
  options: {
    signalsInstalled?: boolean;
    route?: string;
    config?: JsonObject;
  } = {},
) {
  const signals = new ManualSignalApi();
  const apis: any[] = [
    [notificationsApiRef, api],
    [configApiRef, mockApis.config({ data: options.config ?? {} })],
  ];
  if (options.signalsInstalled ?? true) {
    apis.push([signalApiRef, signals]);
  }
  await renderInTestApp(
    <TestApiProvider apis={apis as any}>
      {ui}
      <Location />
    </TestApiProvider>,
    {
      mountedRoutes: { '/notifications': rootRouteRef },
      routeEntries: options.route ? [options.route] : undefined,
    },
  );
  return signals;
}

/**
 * A notification arriving as a send delivers it: stored by the backend, then
 * announced on the signal channel.
 */
export function deliverNew(
  api: InMemoryNotificationsApi,
  signals: ManualSignalApi,
  notification: Notification,
  options?: { embedded?: boolean },
) {
  api.notifications.push(notification);
  act(() => signals.announceNew(notification, options));
}
