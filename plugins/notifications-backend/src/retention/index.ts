export { RetentionStore } from './RetentionStore';
export {
  scheduleRetention,
  readRetentionMs,
  deleteExpiredNotifications,
} from './scheduleRetention';
