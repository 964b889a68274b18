import { useApi } from '@backstage/core-plugin-api';
import { DependencyList } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { NotificationsApi, notificationsApiRef } from '../api';

/**
 * Runs `fn` against the notifications API whenever `deps` change.
 * @public
 */
export function useNotificationsApi<T>(
  fn: (api: NotificationsApi) => Promise<T>,
  deps: DependencyList = [],
) {
  const api = useApi(notificationsApiRef);
  const { loading, error, value, retry } = useAsyncRetry(
    async () => fn(api),
    deps,
  );
  return { loading, error, value, retry };
}
