import {
  NotificationProcessor,
  NotificationsProcessingExtensionPoint,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { notificationsModuleUsing } from '@herald/plugin-notifications-node/testUtils';
import { OutboxConfig } from '../outbox/config';

/** A notifications module that sets up Herald's processing extension point. */
export const processingModule = (
  moduleId: string,
  setUp: (processing: NotificationsProcessingExtensionPoint) => void,
) =>
  notificationsModuleUsing(
    moduleId,
    notificationsProcessingExtensionPoint,
    setUp,
  );

/** A notifications module that adds these processors, in this order. */
export const processorsModule = (
  moduleId: string,
  ...processors: NotificationProcessor[]
) =>
  processingModule(moduleId, processing =>
    processing.addProcessor(...processors),
  );

type ProcessorHook = 'processOptions' | 'preProcess' | 'postProcess';

/** A processor whose given hooks fail: each throws, as a broken module's would. */
export function throwingProcessor(
  name: string,
  ...hooks: ProcessorHook[]
): NotificationProcessor {
  const fail = async (): Promise<never> => {
    throw new Error(`${name} is broken`);
  };
  return withHooks(name, hooks, fail);
}

/** A processor whose given hooks never settle, as a module stuck on a dead service. */
export function hangingProcessor(
  name: string,
  ...hooks: ProcessorHook[]
): NotificationProcessor {
  return withHooks(name, hooks, () => new Promise<never>(() => {}));
}

function withHooks(
  name: string,
  hooks: ProcessorHook[],
  hook: () => Promise<never>,
): NotificationProcessor {
  return {
    getName: () => name,
    ...Object.fromEntries(hooks.map(key => [key, hook])),
  };
}

/** A processor whose processOptions sends to `entityRef` instead. */
export function reroutingProcessor(
  name: string,
  entityRef: string,
): NotificationProcessor {
  return {
    getName: () => name,
    processOptions: async options => ({
      ...options,
      recipients: { type: 'entity', entityRef },
    }),
  };
}

/** An outbox that retries within milliseconds, so tests of retries stay short. */
export const FAST_OUTBOX_CONFIG: OutboxConfig = {
  concurrency: 4,
  maxAttempts: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 20,
  pollIntervalMs: 20,
  leaseMs: 5_000,
  timeoutMs: 1_000,
};
