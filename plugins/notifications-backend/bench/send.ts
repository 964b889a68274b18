/*
 * Measures sends through the send path (`NotificationSender`): to a catalog group of 1,000
 * users with one processor (catalog resolution, the settings query, every row
 * and the outbox's batch rows in one transaction, the signal publish), to
 * 10,000 explicit user refs with one processor, and to 1,000 and 10,000
 * explicit user refs without processors, as a plain backend receives them
 * over REST. The signal is serialised as a signal bus
 * would, and its size printed.
 *
 *   yarn bench                      SQLite (in memory)
 *   HERALD_TEST_POSTGRES_CONNECTION_STRING=postgresql://user@host:5432 yarn bench
 *                                   SQLite, then PostgreSQL in a scratch database
 */
import { randomUUID } from 'node:crypto';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationSendOptions } from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import { NotificationSender } from '../src/send/NotificationSender';
import { OutboxStore } from '../src/outbox';
import { NotificationProcessors } from '../src/processing';
import { CatalogRecipientResolver } from '../src/recipients';
import {
  DefaultNotificationSettingsService,
  SettingsStore,
} from '../src/settings';
import { NotificationWriter } from '../src/store/NotificationWriter';
import { applyDatabaseMigrations } from '../src/store/migrations';
import { hasSearchTexts } from '../src/store/searchCondition';
import { EVERYONE_GROUP_REF, everyoneGroup } from './catalog';
import { onEachBenchDatabase } from './databases';

const USERS = 1000;
const ROUNDS = 10;

const silentLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

const team = everyoneGroup(USERS);

const catalog = {
  async getEntitiesByRefs(request: { entityRefs: string[] }) {
    return {
      items: request.entityRefs.map(ref =>
        ref === EVERYONE_GROUP_REF ? team : undefined,
      ),
    };
  },
} as unknown as CatalogService;

const auth: any = { getOwnServiceCredentials: async () => ({}) };

type Workload = {
  label: string;
  users: number;
  rounds: number;
  withProcessor: boolean;
  recipients: NotificationSendOptions['recipients'];
};

const explicitUsers = (count: number) =>
  Array.from({ length: count }, (_, i) => `user:default/explicit-${i}`);

const workloads: Workload[] = [
  {
    label: `send to a group of ${USERS} users with one processor`,
    users: USERS,
    rounds: ROUNDS,
    withProcessor: true,
    recipients: { type: 'entity', entityRef: EVERYONE_GROUP_REF },
  },
  {
    label: 'send to 10,000 explicit users with one processor',
    users: 10_000,
    rounds: 5,
    withProcessor: true,
    recipients: { type: 'entity', entityRef: explicitUsers(10_000) },
  },
  {
    label: 'send to 1,000 explicit users',
    users: 1000,
    rounds: ROUNDS,
    withProcessor: false,
    recipients: { type: 'entity', entityRef: explicitUsers(1000) },
  },
  {
    label: 'send to 10,000 explicit users',
    users: 10_000,
    rounds: 5,
    withProcessor: false,
    recipients: { type: 'entity', entityRef: explicitUsers(10_000) },
  },
];

async function measure(name: string, knex: Knex, workload: Workload) {
  await applyDatabaseMigrations(knex);
  const processors = new NotificationProcessors(
    () =>
      workload.withProcessor
        ? [{ getName: () => 'Email', postProcess: async () => {} }]
        : [],
    silentLogger,
    5000,
  );
  let signals = 0;
  let signalBytes = 0;
  const sender = new NotificationSender({
    knex,
    // As the plugin sets it up: rows name their search text.
    writer: new NotificationWriter({ searchTexts: hasSearchTexts(knex) }),
    signals: {
      publish: async signal => {
        signals += 1;
        signalBytes = Buffer.byteLength(JSON.stringify(signal));
      },
    },
    recipientResolver: new CatalogRecipientResolver(catalog, auth),
    appBaseUrl: 'http://localhost:3000',
    logger: silentLogger,
    processors,
    settings: new DefaultNotificationSettingsService(
      new SettingsStore(knex),
      () => processors.names(),
      { channels: [] },
    ),
    outbox: new OutboxStore(knex),
    wakeOutbox: () => {},
  });
  const send = () =>
    sender.send({
      origin: 'plugin:bench',
      options: {
        recipients: workload.recipients,
        payload: {
          title: `Release ${randomUUID()}`,
          description: 'Version 2.4.1 is out, see the changelog for details.',
          link: '/catalog/default/component/service',
          topic: 'releases',
        },
      },
    });

  await send(); // warm-up: connections, statement caches, JIT
  const times: number[] = [];
  for (let round = 0; round < workload.rounds; round++) {
    const start = process.hrtime.bigint();
    const stored = await send();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (stored.length !== workload.users) {
      throw new Error(
        `expected ${workload.users} rows, stored ${stored.length}`,
      );
    }
  }
  const [{ count: rows }] = await knex('notification').count({ count: '*' });
  const [{ count: jobs }] = await knex('notification_outbox').count({
    count: '*',
  });
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${name}: ${workload.label}: median ${median.toFixed(
      1,
    )} ms, best ${times[0].toFixed(1)} ms, worst ${times[
      times.length - 1
    ].toFixed(1)} ms over ${
      workload.rounds
    } sends; ${rows} rows and ${jobs} outbox rows stored in total, ${signals} signal publishes of ${(
      signalBytes / 1024
    ).toFixed(0)} KB each`,
  );
}

async function main() {
  await onEachBenchDatabase(async (label, knex) => {
    for (const workload of workloads) {
      await measure(label, knex, workload);
    }
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
