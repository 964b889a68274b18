/**
 * A catalog module that tells entity owners, through Herald notifications,
 * when an entity is discovered and when its processing fails or recovers.
 *
 * @packageDocumentation
 */
export { catalogModuleNotifications as default } from './module';
