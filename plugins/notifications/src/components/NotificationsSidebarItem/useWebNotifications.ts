import { useCallback, useState } from 'react';

type ShowOptions = {
  title: string;
  body: string;
  tag: string;
  onClick: () => void;
};

function browserNotifications(): typeof Notification | undefined {
  return typeof window !== 'undefined' && 'Notification' in window
    ? window.Notification
    : undefined;
}

/**
 * Browser notifications. Permission is asked for on a user gesture (browsers
 * ignore the request otherwise); a permission granted earlier is used right
 * away, without a click in every page session.
 */
export function useWebNotifications(enabled: boolean) {
  const [permission, setPermission] = useState<NotificationPermission>(
    () => browserNotifications()?.permission ?? 'default',
  );

  const requestPermission = useCallback(() => {
    const api = browserNotifications();
    if (!enabled || !api || permission !== 'default') {
      return;
    }
    Promise.resolve(api.requestPermission()).then(setPermission, () => {});
  }, [enabled, permission]);

  const show = useCallback(
    (options: ShowOptions) => {
      const BrowserNotification = browserNotifications();
      if (!enabled || !BrowserNotification || permission !== 'granted') {
        return;
      }
      const notification = new BrowserNotification(options.title, {
        body: options.body,
        tag: options.tag,
      });
      notification.onclick = event => {
        event.preventDefault();
        options.onClick();
        notification.close();
      };
    },
    [enabled, permission],
  );

  return { requestPermission, show };
}
