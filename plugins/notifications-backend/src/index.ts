/**
 * The Herald notifications backend plugin.
 *
 * @packageDocumentation
 */
export { notificationsPlugin as default } from './plugin';
