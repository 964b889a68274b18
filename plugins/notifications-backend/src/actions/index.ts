export { registerGetNotificationsAction } from './getNotificationsAction';
export { registerSendNotificationAction } from './sendNotificationAction';
