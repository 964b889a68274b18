/*
 * Time to deliver one send to 1,000 users as Slack direct messages, through
 * the real notifications backend, its outbox and this module, against the
 * local Slack stand-in enforcing a modelled rate limit, with the outbox
 * backlog sampled over time.
 *
 * Modelled limits (Slack documents chat.postMessage as about one message per
 * second per channel with short bursts, plus a workspace-wide limit it does
 * not put a number on): 1 post per second per channel, and
 * SLACK_BENCH_WORKSPACE_PER_MINUTE posts per minute per workspace (default
 * 600). Over it, the server answers 429 with Retry-After.
 *
 * Two runs: the module paced at the modelled workspace rate
 * (concurrencyLimit 10 per 1 second), and the module unpaced, so that Slack's
 * 429s and Retry-After do the pacing.
 *
 *   yarn bench
 *   SLACK_BENCH_USERS=200 SLACK_BENCH_WORKSPACE_PER_MINUTE=1200 yarn bench
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsPlugin from '@herald/plugin-notifications-backend';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import knexFactory from 'knex';
import { AddressInfo } from 'node:net';
import { notificationsModuleSlack } from '../src';
import { SlackTestServer } from '../src/__testUtils__/SlackTestServer';
import { TEST_TOKEN, slackUser } from '../src/__testUtils__/fixtures';

const USERS = Number(process.env.SLACK_BENCH_USERS ?? 1000);
const WORKSPACE_PER_MINUTE = Number(
  process.env.SLACK_BENCH_WORKSPACE_PER_MINUTE ?? 600,
);
const SAMPLE_EVERY_MS = 5_000;

const quietSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ async publish() {} }),
});

const users = Array.from({ length: USERS }, (_, i) =>
  slackUser(`user-${i}`, { slack: `U${String(i).padStart(6, '0')}` }),
);

type Pacing = {
  label: string;
  concurrencyLimit: number;
  throttleInterval: string;
};

async function run(pacing: Pacing) {
  const slack = new SlackTestServer({ token: TEST_TOKEN });
  slack.rateLimits = {
    perChannelPerSecond: 1,
    workspacePerMinute: WORKSPACE_PER_MINUTE,
  };
  await slack.start();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const backend = await startTestBackend({
    features: [
      notificationsPlugin,
      notificationsModuleSlack,
      quietSignals,
      mockServices.rootLogger.factory({ level: 'error' }),
      catalogServiceMock.factory({ entities: users }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          notifications: {
            outbox: { pollInterval: '1s', maxAttempts: 20 },
            processors: {
              slack: [
                {
                  token: TEST_TOKEN,
                  apiUrl: slack.url,
                  concurrencyLimit: pacing.concurrencyLimit,
                  throttleInterval: pacing.throttleInterval,
                },
              ],
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api/notifications`;
  const auth = { Authorization: mockCredentials.service.header() };
  const outbox = async () =>
    (await (await fetch(`${base}/admin/outbox`, { headers: auth })).json()) as {
      pending: number;
      dead: number;
    };

  const started = Date.now();
  const response = await fetch(base, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      recipients: {
        type: 'entity',
        entityRef: users.map(u => `user:default/${u.metadata.name}`),
      },
      payload: { title: 'Release 2.4.1 is out', topic: 'releases' },
    }),
  });
  if (!response.ok) {
    throw new Error(`Send failed: ${response.status} ${await response.text()}`);
  }
  const accepted = Date.now() - started;

  console.log(`\n${pacing.label}`);
  console.log('   t (s)  outbox pending  posted  429s');
  let nextSample = 0;
  let state = await outbox();
  for (;;) {
    const elapsed = Date.now() - started;
    if (elapsed >= nextSample || state.pending === 0) {
      const limited = slack.calls.filter(c => c.status === 429).length;
      console.log(
        `${(elapsed / 1000).toFixed(1).padStart(8)}  ${String(
          state.pending,
        ).padStart(14)}  ${String(slack.messages.length).padStart(6)}  ${String(
          limited,
        ).padStart(4)}`,
      );
      nextSample += SAMPLE_EVERY_MS;
    }
    if (state.pending === 0) {
      break;
    }
    await new Promise(resolve => setTimeout(resolve, 250));
    state = await outbox();
  }
  const total = Date.now() - started;
  const perTarget = slack.postsPer();
  const duplicates = [...perTarget.values()].filter(n => n > 1).length;
  console.log(
    `${USERS} DMs: send accepted in ${accepted} ms, all delivered in ${(
      total / 1000
    ).toFixed(1)} s (${((USERS * 60_000) / total).toFixed(0)} per minute); ${
      perTarget.size
    } users got a message, ${duplicates} twice; ${state.dead} dead outbox jobs`,
  );
  await backend.stop();
  await knex.destroy();
  await slack.stop();
}

async function main() {
  console.log(
    `Modelled Slack limits: 1 chat.postMessage per second per channel, ${WORKSPACE_PER_MINUTE} per minute per workspace`,
  );
  await run({
    label: `Module paced at the workspace limit (concurrencyLimit ${
      WORKSPACE_PER_MINUTE / 60
    } per 1s)`,
    concurrencyLimit: Math.max(1, Math.floor(WORKSPACE_PER_MINUTE / 60)),
    throttleInterval: '1s',
  });
  await run({
    label:
      'Module unpaced (concurrencyLimit 10000 per 1s): Retry-After paces it',
    concurrencyLimit: 10_000,
    throttleInterval: '1s',
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
