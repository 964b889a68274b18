import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../routes';

const FALLBACK_PATH = '/notifications';

function tryResolve(resolve: () => string): string {
  try {
    return resolve();
  } catch {
    return FALLBACK_PATH;
  }
}

/**
 * Where the notifications page lives; `/notifications` (the documented mount
 * point) when the app has not mounted the route, so the bell still links.
 */
export function useNotificationsPath(): string {
  let routeFunc: (() => string) | undefined;
  try {
    // useRouteRef throws only after running all of its own hooks, so the
    // hook order stays the same whether or not the route is mounted.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    routeFunc = useRouteRef(rootRouteRef);
  } catch {
    routeFunc = undefined;
  }
  return routeFunc ? tryResolve(routeFunc) : FALLBACK_PATH;
}
