import {
  ExtensionPoint,
  ServiceRef,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/**
 * A module of the notifications plugin that hands `ref`, a service or an
 * extension point, to `use` at init, as another package's module would get
 * it: to extend a channel module the way an adopter does, or to reach a
 * service of the backend under test.
 *
 * @public
 */
export function notificationsModuleUsing<T>(
  moduleId: string,
  ref: ServiceRef<T, 'plugin' | 'root', 'singleton'> | ExtensionPoint<T>,
  use: (value: T) => void,
) {
  return createBackendModule({
    pluginId: 'notifications',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { value: ref },
        async init({ value }) {
          use(value);
        },
      });
    },
  });
}
