/**
 * The `notification:send` scaffolder action, sending through the Herald
 * notifications backend.
 *
 * @packageDocumentation
 */
export { scaffolderModuleNotifications as default } from './module';
export { createSendNotificationAction } from './actions/sendNotification';
