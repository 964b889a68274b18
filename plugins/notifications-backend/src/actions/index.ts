export { registerGetNotificationsAction } from './getNotificationsAction';
