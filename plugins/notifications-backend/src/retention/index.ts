export { RetentionStore } from './RetentionStore';
export {
  scheduleRetention,
  deleteExpiredNotifications,
} from './scheduleRetention';
