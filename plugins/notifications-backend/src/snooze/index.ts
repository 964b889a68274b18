export { SnoozeStore } from './SnoozeStore';
export {
  scheduleSnoozeWake,
  wakeSnoozedNotifications,
} from './scheduleSnoozeWake';
