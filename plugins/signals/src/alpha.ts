import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@herald/plugin-signals-react';
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
  extensions: [signalsApi],
});
