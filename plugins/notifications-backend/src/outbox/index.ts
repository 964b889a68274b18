export { OutboxStore } from './OutboxStore';
export type {
  DeadOutboxJob,
  OutboxCounts,
  OutboxDelivery,
  OutboxSendWriter,
} from './OutboxStore';
export { OutboxWorker } from './OutboxWorker';
export type { OutboxConfig } from './config';
export { withTimeout } from './withTimeout';
