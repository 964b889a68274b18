import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  TEST_APP_BASE_URL,
  TestBackendFeatures,
  closingDatabaseServiceFactory,
  processorCollectingPlugin,
  startNotificationsTestBackend,
  userEntity,
} from '@herald/notifications-test-utils';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  Notification,
  NotificationPayload,
} from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import { notificationsModuleEmail } from '../module';

export const TEST_BASE_URL = TEST_APP_BASE_URL;

/** A catalog user with the given email address, or none. */
export const mailUser = (name: string, email?: string): Entity =>
  userEntity(name, { email });

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
  features?: TestBackendFeatures;
}) {
  const collector = processorCollectingPlugin();
  const backend = await startTestBackend({
    features: [
      collector.plugin,
      notificationsModuleEmail,
      closingDatabaseServiceFactory,
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
  const [processor] = collector.processors;
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

/**
 * Starts the real notifications backend with the email module sending to the
 * SMTP server on `smtpPort`, for alice, bob and carol at example.com.
 */
export function startEmailBackend(options: {
  knex: Knex;
  smtpPort: number;
  /** Email processor keys over the defaults. */
  email?: JsonObject;
  /** Outbox keys over the defaults. */
  outbox?: JsonObject;
  features?: TestBackendFeatures;
}) {
  return startNotificationsTestBackend({
    knex: options.knex,
    modules: [notificationsModuleEmail, ...(options.features ?? [])],
    entities: ['alice', 'bob', 'carol'].map(name =>
      mailUser(name, `${name}@example.com`),
    ),
    outbox: { maxAttempts: 20, ...options.outbox },
    notifications: {
      processors: {
        email: {
          ...smtpConfig(options.smtpPort, { sender: 'herald@example.com' }),
          concurrencyLimit: 50,
          throttleInterval: '10ms',
          ...options.email,
        },
      },
    },
  });
}
