// Only tests import this module, so test utilities stay dev dependencies.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { mockCredentials } from '@backstage/backend-test-utils';

export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';
export const CAROL = 'user:default/carol';

/** Authorization header of a user. */
export const asUser = (ref: string) => mockCredentials.user.header(ref);

/** Authorization header of another plugin calling the notifications backend. */
export const asService = (pluginId = 'scaffolder') =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(`plugin:${pluginId}`),
    targetPluginId: 'notifications',
  });

/** A date as `Date.prototype.toISOString` writes it, never an epoch number. */
export const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
