import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Notification } from '@herald/plugin-notifications-common';
import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';
import { notificationHref } from '../components/NotificationContent/safeLink';
import { notificationsTranslationRef } from '../translation';
import { useNotificationsPath } from './useNotificationsPath';
import { useUpdateNotifications } from './useUpdateNotifications';

/**
 * Whether opening a notification marks it read: the prop when given, else
 * `notifications.markAsReadOnLinkOpen`, else true.
 */
export function useMarkAsReadOnOpen(prop?: boolean): boolean {
  const config = useApi(configApiRef);
  return (
    prop ??
    config.getOptionalBoolean('notifications.markAsReadOnLinkOpen') ??
    true
  );
}

/**
 * Marks a notification read because it was opened, when that is enabled and
 * it is unread. Resolves to whether it is read now.
 */
export function useMarkOpenedRead(markAsReadOnLinkOpen?: boolean) {
  const enabled = useMarkAsReadOnOpen(markAsReadOnLinkOpen);
  const { t } = useTranslationRef(notificationsTranslationRef);
  const update = useUpdateNotifications(() =>
    t('sidebar.errors.markAsReadFailed'),
  );
  return useCallback(
    async (notification: Notification) => {
      if (!enabled || notification.read) {
        return Boolean(notification.read);
      }
      return update([notification.id], { read: true });
    },
    [enabled, update],
  );
}

/**
 * Opens a notification from outside the inbox (a snackbar, a browser
 * notification): its in-app link inside the app without a reload, an
 * external link in a new tab, and without a link its row in the inbox. The
 * notification is marked read (see `useMarkAsReadOnOpen`).
 */
export function useOpenNotification() {
  const navigate = useNavigate();
  const inbox = useNotificationsPath();
  const markRead = useMarkOpenedRead();
  return useCallback(
    (notification: Notification) => {
      const target = notificationHref(notification.payload.link);
      if (target?.external) {
        window.open(target.href, '_blank', 'noopener,noreferrer');
      } else {
        navigate(
          target?.href ?? `${inbox}?id=${encodeURIComponent(notification.id)}`,
        );
      }
      markRead(notification);
    },
    [navigate, inbox, markRead],
  );
}
