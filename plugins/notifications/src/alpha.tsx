import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import NotificationsIcon from '@material-ui/icons/Notifications';
import { NotificationsClient, notificationsApiRef } from './api';
import { rootRouteRef } from './routes';
import { notificationsTranslationRef as translationRef } from './translation';
import { unreadNotificationsWidgetParams } from './unreadNotificationsWidget';

export { notificationsHomeModule } from './notificationsHomeModule';

const routes = convertLegacyRouteRefs({ root: rootRouteRef });

/** @alpha */
export const notificationsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: notificationsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new NotificationsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The inbox page. Its title and icon are what the app's navigation shows,
 * which is how pages become nav items in this version of the frontend system.
 * @alpha
 */
export const notificationsPage = PageBlueprint.make({
  params: {
    path: '/notifications',
    title: 'Notifications',
    icon: <NotificationsIcon />,
    routeRef: routes.root,
    loader: () =>
      import('./components/NotificationsPage').then(m => (
        <m.NotificationsPageContent />
      )),
  },
});

/** @alpha */
export const unreadNotificationsWidget = HomePageWidgetBlueprint.make({
  name: 'unread-notifications',
  params: unreadNotificationsWidgetParams,
});

/**
 * The notifications plugin for the new frontend system.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'notifications',
  title: 'Notifications',
  icon: <NotificationsIcon />,
  info: { packageJson: () => import('../package.json') },
  routes,
  extensions: [notificationsApi, notificationsPage, unreadNotificationsWidget],
});

/**
 * @alpha
 * @deprecated Import `notificationsTranslationRef` from the package root.
 */
export const notificationsTranslationRef = translationRef;
