export { NotificationProcessors } from './NotificationProcessors';
export type { ChannelCheck } from './NotificationProcessors';
