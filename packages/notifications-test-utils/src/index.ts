/**
 * Test utilities shared by the notifications channel modules' suites.
 *
 * @packageDocumentation
 */
export * from './backend';
export * from './database';
export * from './entities';
export * from './LocalHttpServer';
export * from './retryAfter';
export * from './settings';
export * from './suite';
export * from './waitFor';
export { notificationsModuleUsing } from '@herald/plugin-notifications-node/testUtils';
