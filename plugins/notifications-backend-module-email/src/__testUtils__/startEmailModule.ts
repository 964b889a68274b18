import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  Notification,
  NotificationPayload,
} from '@herald/plugin-notifications-common';
import {
  NotificationProcessor,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { notificationsModuleEmail } from '../module';

export const TEST_BASE_URL = 'http://localhost:3000';

export function userEntity(name: string, email?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: email ? { email } : {}, memberOf: [] },
  };
}

let sequence = 0;

export function makeNotification(
  payload: Partial<NotificationPayload> = {},
  fields: Partial<Omit<Notification, 'payload'>> = {},
): Notification {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    user: 'user:default/alice',
    created: new Date('2026-01-01T00:00:00Z'),
    origin: 'plugin:test',
    ...fields,
    payload: { title: 'Build failed', ...payload },
  };
}

/**
 * Starts the email module against a stand-in notifications plugin that only
 * collects the registered processors, with an in-memory catalog.
 */
export async function startEmailModule(options: {
  emailConfig?: JsonObject;
  /** Other keys under `notifications`, next to `processors`. */
  notificationsConfig?: JsonObject;
  entities?: Entity[];
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const processors: NotificationProcessor[] = [];
  const collectingPlugin = createBackendPlugin({
    pluginId: 'notifications',
    register(reg) {
      reg.registerExtensionPoint(notificationsProcessingExtensionPoint, {
        addProcessor(...added) {
          processors.push(...added.flat());
        },
        setNotificationRecipientResolver() {
          throw new Error('not used by the email module');
        },
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });
  const backend = await startTestBackend({
    features: [
      collectingPlugin,
      notificationsModuleEmail,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: TEST_BASE_URL },
          notifications: {
            ...options.notificationsConfig,
            ...(options.emailConfig
              ? { processors: { email: options.emailConfig } }
              : {}),
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const [processor] = processors;
  return {
    backend,
    processor,
    postProcess: (notification: Notification) =>
      processor.postProcess!(notification, {
        recipients: notification.user
          ? { type: 'entity', entityRef: notification.user }
          : { type: 'broadcast' },
        payload: notification.payload,
      }),
  };
}

export function smtpConfig(port: number, extra: JsonObject = {}): JsonObject {
  return {
    transportConfig: { transport: 'smtp', hostname: '127.0.0.1', port },
    sender: 'Herald <herald@example.com>',
    ...extra,
  };
}
