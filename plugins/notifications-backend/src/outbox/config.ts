/** `notifications.outbox.*` in milliseconds; read by `readNotificationsConfig`. */
export type OutboxConfig = {
  concurrency: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  pollIntervalMs: number;
  leaseMs: number;
  timeoutMs: number;
};
