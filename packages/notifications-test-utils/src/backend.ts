import {
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  NotificationProcessor,
  notificationsProcessingExtensionPoint,
} from '@herald/plugin-notifications-node';
import { signalsServiceRef } from '@herald/plugin-signals-node';
// The channel modules are tested on the real backend whose outbox runs them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { closingDatabaseServiceFactory } from './database';
import { waitFor } from './waitFor';

/** A signals service that drops every signal: the suites watch deliveries. */
export const quietSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ async publish() {} }),
});

const FAST_OUTBOX_MAX_BACKOFF_MS = 200;

/**
 * An outbox that retries within the time of a test. Suites that count
 * attempts set `maxAttempts` themselves.
 */
const FAST_OUTBOX: JsonObject = {
  pollInterval: '100ms',
  initialBackoff: '50ms',
  maxBackoff: `${FAST_OUTBOX_MAX_BACKOFF_MS}ms`,
};

/**
 * Waits several times `maxAttempts` of the fast outbox's longest backoff: a
 * job whose failures spent its attempts would be dead by then, so a suite
 * can tell that an outage deferred its jobs instead.
 */
export function outlastOutboxAttempts(maxAttempts: number): Promise<void> {
  const ms = 4 * maxAttempts * FAST_OUTBOX_MAX_BACKOFF_MS;
  return new Promise(resolve => setTimeout(resolve, ms));
}

export const TEST_APP_BASE_URL = 'http://localhost:3000';

export type TestBackendFeatures = NonNullable<
  Parameters<typeof startTestBackend>[0]['features']
>;

export type OutboxCounts = { pending: number; dead: number };

/** The notifications backend with channel modules, driven over HTTP. */
export type NotificationsTestBackend = Awaited<
  ReturnType<typeof startTestBackend>
> & {
  /** Sends as an external service; expects 200 and returns what was stored. */
  send(body: object): Promise<Array<{ id: string; origin: string }>>;
  outboxCounts(): Promise<OutboxCounts>;
  /** The channel ids in the named user's notification settings. */
  settingsChannels(user: string): Promise<string[]>;
  /** Saves the named user's settings for the given channels; expects 200. */
  saveSettings(user: string, channels: object[]): Promise<void>;
  /** Resolves once no outbox job is pending. */
  outboxDrained(timeoutMs?: number): Promise<OutboxCounts>;
};

const userHeader = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

function expectOk(response: request.Response) {
  if (response.status !== 200) {
    throw new Error(
      `The notifications API answered ${response.status}: ${JSON.stringify(
        response.body,
      )}`,
    );
  }
}

/**
 * Starts the real notifications backend with the given modules, a catalog
 * holding `entities`, quiet signals and a fast outbox.
 */
export async function startNotificationsTestBackend(options: {
  /** A database from `TestDatabases`; without it, the default test database. */
  knex?: Knex;
  modules: TestBackendFeatures;
  entities?: Entity[];
  /** Keys under `notifications`, next to `outbox`. */
  notifications?: JsonObject;
  /** Outbox keys over the fast defaults. */
  outbox?: JsonObject;
}): Promise<NotificationsTestBackend> {
  const backend = await startTestBackend({
    features: [
      notificationsPlugin,
      quietSignals,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      options.knex
        ? mockServices.database.factory({ knex: options.knex })
        : closingDatabaseServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: TEST_APP_BASE_URL },
          notifications: {
            ...options.notifications,
            outbox: { ...FAST_OUTBOX, ...options.outbox },
          },
        },
      }),
      ...options.modules,
    ],
  });

  async function outboxCounts(): Promise<OutboxCounts> {
    const response = await request(backend.server)
      .get('/api/notifications/admin/outbox')
      .set('Authorization', mockCredentials.service.header());
    return response.body;
  }

  return Object.assign(backend, {
    async send(body: object) {
      const response = await request(backend.server)
        .post('/api/notifications')
        .set('Authorization', mockCredentials.service.header())
        .send(body);
      expectOk(response);
      return response.body;
    },
    outboxCounts,
    async settingsChannels(user: string) {
      const response = await request(backend.server)
        .get('/api/notifications/settings')
        .set('Authorization', userHeader(user));
      expectOk(response);
      return response.body.channels.map((c: { id: string }) => c.id);
    },
    async saveSettings(user: string, channels: object[]) {
      expectOk(
        await request(backend.server)
          .post('/api/notifications/settings')
          .set('Authorization', userHeader(user))
          .send({ channels }),
      );
    },
    outboxDrained(timeoutMs = 60_000) {
      return waitFor(
        'the outbox to drain',
        async () => {
          const counts = await outboxCounts();
          return counts.pending === 0 ? counts : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
  });
}

/**
 * A stand-in notifications plugin that only collects the processors modules
 * register, so a module's wiring can be tested without the backend.
 */
export function processorCollectingPlugin() {
  const processors: NotificationProcessor[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'notifications',
    register(reg) {
      reg.registerExtensionPoint(notificationsProcessingExtensionPoint, {
        addProcessor(...added) {
          processors.push(...added.flat());
        },
        setNotificationRecipientResolver() {
          throw new Error('Not available in this test');
        },
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });
  return { plugin, processors };
}
