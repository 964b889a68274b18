export * from './IdempotencyKeyStore';
export * from './IdempotentRequests';
export * from './scheduleIdempotencyKeyCleanup';
