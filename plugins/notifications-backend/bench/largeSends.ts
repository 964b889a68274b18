/*
 * Large sends in the configuration installations run: the notifications
 * backend with the Email module registered as the sample app-config does it
 * (stream transport, so every email is rendered but none leaves the
 * process), answering `POST /api/notifications` over HTTP. Measures the
 * response time and CPU time of a send (median of a few) and the memory the
 * first send of a process adds (peak during the send over the level before
 * it) for 1,000, 4,000 and 12,000 explicit users and for a catalog group of
 * 100,000 users, then, for a 12,000-user send, how long the outbox takes to
 * email everyone and the memory that adds.
 *
 * Every workload runs in a fresh process, so another workload's garbage
 * does not count against it and a send that exhausts the heap is reported
 * rather than ending the run.
 *
 *   yarn bench:large-sends          SQLite (in memory)
 *   HERALD_TEST_POSTGRES_CONNECTION_STRING=postgresql://user@host:5432 yarn bench:large-sends
 *                                   SQLite, then PostgreSQL in scratch databases
 *   BENCH_ONLY=12000 yarn bench:large-sends   one workload (by recipient count)
 *   BENCH_ROUNDS=5 yarn bench:large-sends     sends per workload (default 3)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { AddressInfo } from 'node:net';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import emailModule from '@herald/plugin-notifications-backend-module-email';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
import { notificationsPlugin } from '../src/plugin';
import { EVERYONE_GROUP_REF, benchUserRef, everyoneGroup } from './catalog';
import { createBenchSqlite, createScratchPostgres } from './databases';
import { parse as parseYaml } from 'yaml';

const GROUP_SIZE = 100_000;
/** Sends per workload; the table shows the median time. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Workload = {
  users: number;
  recipients: 'explicit' | 'group';
  /** Also wait for the outbox to email every recipient. */
  drain: boolean;
};

const workloads: Workload[] = [
  { users: 1000, recipients: 'explicit', drain: false },
  { users: 4000, recipients: 'explicit', drain: false },
  { users: 12_000, recipients: 'explicit', drain: false },
  { users: GROUP_SIZE, recipients: 'group', drain: false },
  { users: 12_000, recipients: 'explicit', drain: true },
];

type Result = {
  sendMs: number;
  sendCpuMs: number;
  rssDeltaMb: number;
  heapPeakDeltaMb: number;
  heapDeltaMb: number;
  stored: number;
  drainMs?: number;
  drainRssDeltaMb?: number;
};

const everyone = everyoneGroup(GROUP_SIZE);

function userEntity(ref: string): Entity | undefined {
  const name = /^user:default\/(user-\d+)$/.exec(ref)?.[1];
  return name
    ? {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name, namespace: 'default' },
        spec: { profile: { email: `${name}@example.com` }, memberOf: [] },
      }
    : undefined;
}

/**
 * The catalog lookups the send and the Email processor make, answered
 * without a catalog: its own cost and memory are not what this measures.
 */
const catalog = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () => {
    const lookup = (ref: string) =>
      ref === EVERYONE_GROUP_REF ? everyone : userEntity(ref);
    const service: Partial<CatalogService> = {
      async getEntitiesByRefs(request) {
        return { items: request.entityRefs.map(lookup) };
      },
      async getEntityByRef(ref) {
        return lookup(typeof ref === 'string' ? ref : stringifyEntityRef(ref));
      },
    };
    return service as CatalogService;
  },
});

/** A signal bus serialises every signal once; so does this stand-in. */
const serialisingSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({
    async publish(signal: unknown) {
      JSON.stringify(signal);
    },
  }),
});

const quietLogger = createServiceFactory({
  service: coreServices.rootLogger,
  deps: {},
  factory: () => mockServices.rootLogger({ level: 'error' }),
});

/** Peak resident memory while `work` runs, sampled and from the OS high-water mark. */

/**
 * The Email processor's config as the sample app runs it, read from the
 * repository's `app-config.yaml`, so the benchmark follows the sample.
 */
function sampleEmailConfig(): Record<string, unknown> {
  const appConfig = parseYaml(
    readFileSync(resolvePath(__dirname, '../../../app-config.yaml'), 'utf8'),
  );
  const email = appConfig?.notifications?.processors?.email;
  if (!email) {
    throw new Error('app-config.yaml registers no Email processor');
  }
  return email;
}
async function peakRss<T>(work: () => Promise<T>): Promise<{
  value: T;
  baseline: number;
  peak: number;
  heapBefore: number;
  heapPeak: number;
  ms: number;
  cpuMs: number;
}> {
  // Collected before the clocks start, so the time is the work's alone.
  global.gc?.();
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  const heapBefore = process.memoryUsage().heapUsed;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = baseline;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  }, 5);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    const value = await work();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    peak = Math.max(peak, process.memoryUsage.rss());
    const maxAfter = process.resourceUsage().maxRSS * 1024;
    if (maxAfter > maxBefore) {
      peak = Math.max(peak, maxAfter);
    }
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    return {
      value,
      baseline,
      peak,
      heapBefore,
      heapPeak,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    clearInterval(sampler);
  }
}

const MB = 1024 * 1024;

/**
 * The notifications in a send's response, counted as the body streams in:
 * parsing 100,000 of them would add the client's memory to the server's.
 */
async function countNotifications(response: Response): Promise<number> {
  const marker = '"origin":';
  const decoder = new TextDecoder();
  let count = 0;
  let tail = '';
  // Node's fetch body is async-iterable; the DOM typings of the repo don't say so.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const text = tail + decoder.decode(chunk, { stream: true });
    for (
      let at = text.indexOf(marker);
      at >= 0;
      at = text.indexOf(marker, at + 1)
    ) {
      count += 1;
    }
    // A marker cut in two by a chunk boundary is found in the next round.
    tail = text.slice(-(marker.length - 1));
  }
  return count;
}

async function measure(knex: Knex, workload: Workload): Promise<Result> {
  const backend = await startTestBackend({
    features: [
      notificationsPlugin,
      emailModule,
      serialisingSignals,
      quietLogger,
      mockServices.database.factory({ knex }),
      catalog,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          notifications: {
            processors: {
              email: {
                ...sampleEmailConfig(),
                // The default rate limit (20 messages a second) would make
                // emailing everyone take ten minutes; raised, the drain
                // shows the outbox's own pace and memory.
                ...(workload.drain
                  ? { concurrencyLimit: 1000, throttleInterval: '100ms' }
                  : {}),
              },
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/notifications`;
  const service = mockCredentials.service.header();
  const post = async (entityRef: string | string[], title: string) => {
    const response = await fetch(baseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: service },
      body: JSON.stringify({
        recipients: { type: 'entity', entityRef },
        payload: {
          title,
          description: 'Version 2.4.1 is out, see the changelog for details.',
          link: '/catalog/default/component/service',
          topic: 'releases',
        },
      }),
    });
    if (!response.ok) {
      throw new Error(
        `send failed: ${response.status} ${await response.text()}`,
      );
    }
    return await countNotifications(response);
  };
  const outboxPending = async () => {
    const response = await fetch(`${baseUrl}/admin/outbox`, {
      headers: { Authorization: service },
    });
    return ((await response.json()) as { pending: number }).pending;
  };
  const drained = async () => {
    while ((await outboxPending()) > 0) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };

  try {
    // Warm-up: connections, statement caches, JIT, the email transport.
    await post(
      Array.from({ length: 50 }, (_, i) => benchUserRef(i)),
      'Warm-up',
    );
    await drained();

    const recipients =
      workload.recipients === 'group'
        ? EVERYONE_GROUP_REF
        : Array.from({ length: workload.users }, (_, i) => benchUserRef(i));
    const timed = async (title: string) => {
      const memory = await peakRss(() => post(recipients, title));
      return { memory, ms: memory.ms, cpuMs: memory.cpuMs };
    };
    // The first send of the process shows the memory a send takes; later
    // ones reuse what it left, so they only add timings, whose median
    // evens out a busy machine.
    const send = await timed('Release 2.4.1');
    global.gc?.();
    const heapRetained =
      process.memoryUsage().heapUsed - send.memory.heapBefore;
    const rounds = [send];
    for (let round = 1; round < (workload.drain ? 1 : ROUNDS); round++) {
      rounds.push(await timed(`Release 2.4.${round + 1}`));
    }
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const sendMs = send.ms;
    const result: Result = {
      sendMs: median(rounds.map(r => r.ms)),
      sendCpuMs: median(rounds.map(r => r.cpuMs)),
      rssDeltaMb: (send.memory.peak - send.memory.baseline) / MB,
      heapPeakDeltaMb: (send.memory.heapPeak - send.memory.heapBefore) / MB,
      heapDeltaMb: heapRetained / MB,
      stored: Math.min(...rounds.map(r => r.memory.value)),
    };
    if (workload.drain) {
      const drain = await peakRss(drained);
      result.drainMs = sendMs + drain.ms;
      result.drainRssDeltaMb = (drain.peak - send.memory.baseline) / MB;
    }
    return result;
  } finally {
    await backend.stop();
  }
}

/** Also called when the parent ends this process early. */
let dropScratchDatabase = async () => {};

async function withDatabase<T>(
  database: 'sqlite' | 'postgres',
  run: (knex: Knex) => Promise<T>,
): Promise<T> {
  if (database === 'sqlite') {
    const knex = createBenchSqlite();
    try {
      return await run(knex);
    } finally {
      await knex.destroy();
    }
  }
  const scratch = await createScratchPostgres(
    process.env.HERALD_TEST_POSTGRES_CONNECTION_STRING!,
  );
  dropScratchDatabase = scratch.drop;
  try {
    return await run(scratch.knex);
  } finally {
    await scratch.drop();
  }
}

/** Runs one workload in a fresh process and reads its result. */
function runChild(
  database: string,
  workload: Workload,
): Promise<Result | string> {
  return new Promise(resolve => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        __filename,
        'child',
        database,
        JSON.stringify(workload),
      ],
      // The channel closes when this process ends, and takes the child along.
      { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', chunk => (stdout += chunk));
    child.stderr!.on('data', chunk => (stderr += chunk));
    child.on('close', code => {
      const line = stdout.split('\n').find(l => l.startsWith('RESULT '));
      if (code === 0 && line) {
        resolve(JSON.parse(line.slice('RESULT '.length)));
        return;
      }
      const reason =
        /heap out of memory/i.exec(stderr)?.[0] ??
        stderr.trim().split('\n').slice(-3).join(' ');
      resolve(`failed (exit ${code}): ${reason}`);
    });
  });
}

function describeWorkload(workload: Workload) {
  const count = workload.users.toLocaleString('en-US');
  if (workload.recipients === 'group') {
    return `group of ${count} users`;
  }
  return workload.drain
    ? `${count} explicit users, all emailed (rate limit raised)`
    : `${count} explicit users`;
}

async function main() {
  const [mode, database, workloadJson] = process.argv.slice(2);
  if (mode === 'child') {
    process.on('disconnect', () => {
      dropScratchDatabase().finally(() => process.exit(1));
    });
    process.channel?.unref();
    const workload: Workload = JSON.parse(workloadJson);
    const result = await withDatabase(database as 'sqlite' | 'postgres', knex =>
      measure(knex, workload),
    );
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    return;
  }

  const databases = process.env.HERALD_TEST_POSTGRES_CONNECTION_STRING
    ? ['sqlite', 'postgres']
    : ['sqlite'];
  const only = process.env.BENCH_ONLY?.split(',').map(Number);
  console.log(
    '| database | send to | response (median) | CPU time (median) | peak RSS added (first send) | peak heap added | heap retained | all emailed after | peak RSS added while emailing |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const db of databases) {
    for (const workload of workloads) {
      if (only && !only.includes(workload.users)) {
        continue;
      }
      const result = await runChild(db, workload);
      const label = db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      if (typeof result === 'string') {
        console.log(
          `| ${label} | ${describeWorkload(
            workload,
          )} | ${result} | | | | | | |`,
        );
        continue;
      }
      if (result.stored !== workload.users) {
        throw new Error(
          `${label}: expected ${workload.users} notifications, got ${result.stored}`,
        );
      }
      const drain =
        result.drainMs === undefined
          ? '| |'
          : `| ${(result.drainMs / 1000).toFixed(
              1,
            )} s | +${result.drainRssDeltaMb!.toFixed(0)} MB |`;
      console.log(
        `| ${label} | ${describeWorkload(workload)} | ${result.sendMs.toFixed(
          0,
        )} ms | ${result.sendCpuMs.toFixed(
          0,
        )} ms | +${result.rssDeltaMb.toFixed(
          0,
        )} MB | +${result.heapPeakDeltaMb.toFixed(
          0,
        )} MB | ${result.heapDeltaMb.toFixed(0)} MB ${drain}`,
      );
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
