import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { unreadNotificationsWidgetParams } from './unreadNotificationsWidget';

/**
 * Adds the unread notifications widget to the home plugin, as
 * `home-page-widget:home/unread-notifications`.
 *
 * The widget starts disabled: the notifications plugin already brings the
 * same widget (`home-page-widget:notifications/unread-notifications`), and an
 * app that discovers both packages would otherwise offer it twice. Enable it
 * in `app.extensions` when the home plugin should own it.
 *
 * @alpha
 */
export const notificationsHomeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [
    HomePageWidgetBlueprint.make({
      name: 'unread-notifications',
      disabled: true,
      params: unreadNotificationsWidgetParams,
    }),
  ],
});
