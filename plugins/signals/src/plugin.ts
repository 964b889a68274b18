import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import { signalApiRef } from '@herald/plugin-signals-react';
import { SignalClient } from './api/SignalClient';

/** Legacy plugin, id `signals`, providing the signal API. @public */
export const signalsPlugin = createPlugin({
  id: 'signals',
  apis: [
    createApiFactory({
      api: signalApiRef,
      deps: { identity: identityApiRef, discoveryApi: discoveryApiRef },
      factory: ({ identity, discoveryApi }) =>
        SignalClient.create({ identity, discoveryApi }),
    }),
  ],
});

/**
 * Renders nothing. Placing it in a legacy app installs the plugin, which
 * registers the signal API.
 * @public
 */
export const SignalsDisplay = signalsPlugin.provide(
  createComponentExtension({
    name: 'SignalsDisplay',
    component: { sync: () => null },
  }),
);
