import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ExampleTodoClient, exampleTodoApiRef } from './api';
import { rootRouteRef } from './routes';

/** @public */
export const exampleTodoPlugin = createPlugin({
  id: 'example-todo',
  apis: [
    createApiFactory({
      api: exampleTodoApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ExampleTodoClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * Lists the example todos and follows their changes live through signals.
 * @public
 */
export const ExampleTodoPage: () => JSX.Element = exampleTodoPlugin.provide(
  createRoutableExtension({
    name: 'ExampleTodoPage',
    component: () =>
      import('./components/ExampleTodoPage').then(m => m.ExampleTodoPage),
    mountPoint: rootRouteRef,
  }),
);
