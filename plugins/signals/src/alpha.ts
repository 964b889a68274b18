import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@herald/plugin-signals-react';
import { createElement } from 'react';
import { BroadcastIcon } from './BroadcastIcon';
import { SignalClient } from './api/SignalClient';

/** @alpha */
export const signalsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: signalApiRef,
      deps: { identity: identityApiRef, discoveryApi: discoveryApiRef },
      factory: ({ identity, discoveryApi }) =>
        SignalClient.create({ identity, discoveryApi }),
    }),
});

/** The signals plugin for the new frontend system: one `api:signals`. @alpha */
export default createFrontendPlugin({
  pluginId: 'signals',
  title: 'Signals',
  icon: createElement(BroadcastIcon),
  info: { packageJson: () => import('../package.json') },
  extensions: [signalsApi],
});
