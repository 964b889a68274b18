import {
  ExtensionPoint,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  NotificationProcessor,
  NotificationsProcessingExtensionPoint,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { OutboxConfig } from '../outbox/config';

/** A notifications module that sets up an extension point, as an app's module would. */
export function extensionPointModule<T>(
  extensionPoint: ExtensionPoint<T>,
  moduleId: string,
  setUp: (extension: T) => void,
) {
  return createBackendModule({
    pluginId: 'notifications',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { extension: extensionPoint },
        async init({ extension }) {
          setUp(extension);
        },
      });
    },
  });
}

/** A notifications module that sets up Herald's processing extension point. */
export const processingModule = (
  moduleId: string,
  setUp: (processing: NotificationsProcessingExtensionPoint) => void,
) =>
  extensionPointModule(notificationsProcessingExtensionPoint, moduleId, setUp);

/** A notifications module that adds these processors, in this order. */
export const processorsModule = (
  moduleId: string,
  ...processors: NotificationProcessor[]
) =>
  processingModule(moduleId, processing =>
    processing.addProcessor(...processors),
  );

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
