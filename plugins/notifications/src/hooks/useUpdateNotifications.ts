import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useCallback, useRef } from 'react';
import { notificationsApiRef } from '../api';

/** What an update changes on the notifications it targets. */
export type NotificationChange = {
  read?: boolean;
  saved?: boolean;
  done?: boolean;
  snoozedUntil?: Date | null;
};

/**
 * Updates the read or saved state of notifications and tells the user when
 * that fails. Resolves to whether the update was stored.
 */
export function useUpdateNotifications(errorMessage: (error: Error) => string) {
  const api = useApi(notificationsApiRef);
  const alertApi = useApi(alertApiRef);
  const message = useRef(errorMessage);
  message.current = errorMessage;
  return useCallback(
    async (ids: string[], change: NotificationChange): Promise<boolean> => {
      try {
        await api.updateNotifications({ ids, ...change });
        return true;
      } catch (e) {
        alertApi.post({ message: message.current(e), severity: 'error' });
        return false;
      }
    },
    [api, alertApi],
  );
}
