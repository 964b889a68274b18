/**
 * The unread notifications widget as a module of the home plugin.
 *
 * @packageDocumentation
 */
export { notificationsHomeModule as default } from './notificationsHomeModule';
