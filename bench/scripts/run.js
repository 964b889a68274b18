'use strict';

/*
 * Runs every workload against the Herald backend and the upstream backend,
 * alternating between them, on SQLite and on PostgreSQL, and writes the
 * results table and chart.
 *
 *   yarn bench            full run, writes results/latest.{md,json,svg}
 *   yarn bench --quick    small smoke run, writes results/quick.{md,json,svg}
 *   --engines=sqlite      limit the engines (sqlite, postgres)
 *
 * PostgreSQL comes from BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const {
  databaseConfig,
  freePort,
  startBackend,
  writeConfig,
} = require('./backends');
const { benchToken } = require('./clients');
const {
  dropPostgresDatabases,
  notificationsDatabase,
  seedInbox,
} = require('./databases');
const { CommandProcess } = require('./ipc');
const { inboxQueries } = require('./workloads');
const { writeReport } = require('./report');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const enginesArg = args.find(arg => arg.startsWith('--engines='));
const engines = enginesArg
  ? enginesArg.slice('--engines='.length).split(',')
  : ['sqlite', 'postgres'];
const postgresUrl =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

const plan = quick
  ? {
      sends: [
        { recipients: 100, reps: 1 },
        { recipients: 1000, reps: 1 },
        { recipients: 10000, reps: 1 },
      ],
      inboxRows: 100000,
      queryRounds: 1,
      queriesPerRound: 5,
      smallSockets: 100,
      largeSockets: 500,
      signalUsers: 100,
      socketReps: 1,
    }
  : {
      sends: [
        { recipients: 100, reps: 5 },
        { recipients: 1000, reps: 3 },
        { recipients: 10000, reps: 3 },
      ],
      inboxRows: 100000,
      queryRounds: 3,
      queriesPerRound: 20,
      smallSockets: 1000,
      largeSockets: 5000,
      signalUsers: 1000,
      socketReps: 5,
    };

const benchRoot = path.resolve(__dirname, '..');
const resultsDir = path.join(benchRoot, 'results');
const rawDir = path.join(resultsDir, 'raw');
const sideNames = ['herald', 'upstream'];

function log(message) {
  process.stdout.write(
    `[${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Alternates which side goes first so neither always runs on a warmer machine.
function orderFor(round) {
  return round % 2 === 0 ? sideNames : [...sideNames].reverse();
}

function createResults() {
  const results = {};
  return {
    results,
    add(engine, workload, side, value) {
      const slot = this.slot(engine, workload, side);
      slot.samples.push(value);
    },
    fail(engine, workload, side, reason) {
      this.slot(engine, workload, side).error = reason;
    },
    slot(engine, workload, side) {
      results[engine] ??= {};
      results[engine][workload] ??= {};
      results[engine][workload][side] ??= { samples: [] };
      return results[engine][workload][side];
    },
    failed(engine, workload, side) {
      return Boolean(results[engine]?.[workload]?.[side]?.error);
    },
  };
}

async function postJson(url, token, body) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(300000),
  });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, text };
}

/*
 * A pooled keep-alive connection that sat idle while the databases were being
 * seeded can be closed by the server just as it is reused; idempotent reads
 * get one retry on such a transport error.
 */
async function fetchOnceMore(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    log(
      `retrying ${url} after ${
        error.cause?.code ?? error.cause?.message ?? error.message
      }`,
    );
    return fetch(url, init);
  }
}

async function getJson(url, token) {
  const started = performance.now();
  const response = await fetchOnceMore(url, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) {
    throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
  }
  return { ms, body: JSON.parse(text) };
}

function describeFailure(result) {
  let reason = `HTTP ${result.status}`;
  try {
    const body = JSON.parse(result.text);
    if (body?.error?.message) {
      reason += `: ${body.error.message}`;
    }
  } catch {
    reason += `: ${result.text.slice(0, 120)}`;
  }
  return reason;
}

async function restingMemory(backend) {
  const samples = [];
  for (let i = 0; i < 3; i++) {
    await sleep(1000);
    samples.push(backend.rss());
  }
  return median(samples);
}

async function runSends(engine, backends, staticToken, record) {
  for (const { recipients, reps } of plan.sends) {
    const workload = `send-${recipients}`;
    for (let rep = 0; rep < reps; rep++) {
      for (const side of orderFor(rep)) {
        if (record.failed(engine, workload, side)) {
          continue;
        }
        const entityRef = Array.from(
          { length: recipients },
          (_, i) => `user:default/recipient-${rep}-${i}`,
        );
        const result = await postJson(
          `${backends[side].baseUrl}/api/notifications`,
          staticToken,
          {
            recipients: { type: 'entity', entityRef },
            payload: {
              title: `Release ${rep} is out`,
              description:
                'A new release of the payments service was deployed.',
              severity: 'normal',
              topic: 'releases',
            },
          },
        );
        if (result.status !== 200) {
          record.fail(engine, workload, side, describeFailure(result));
          log(`${engine} ${workload} ${side}: ${describeFailure(result)}`);
          continue;
        }
        const stored = JSON.parse(result.text).length;
        if (stored !== recipients) {
          record.fail(
            engine,
            workload,
            side,
            `stored ${stored} of ${recipients}`,
          );
          continue;
        }
        record.add(engine, workload, side, result.ms);
        log(`${engine} ${workload} ${side}: ${result.ms.toFixed(1)} ms`);
      }
    }
  }
}

async function runInbox(engine, backends, databaseOptions, record) {
  const owner = 'inbox-owner';
  const tokens = {};
  for (const side of sideNames) {
    const db = notificationsDatabase(engine, databaseOptions[side]);
    const started = performance.now();
    try {
      await seedInbox(db, {
        user: `user:default/${owner}`,
        rows: plan.inboxRows,
        otherUsers: 10,
        otherRowsPerUser: plan.inboxRows / 10,
      });
    } finally {
      await db.destroy();
    }
    log(
      `${engine} seeded ${side} inbox in ${(
        (performance.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
    tokens[side] = await benchToken(
      backends[side].baseUrl,
      owner,
      fetchOnceMore,
    );
  }
  for (const [workload, query] of Object.entries(inboxQueries)) {
    const answers = {};
    for (const side of sideNames) {
      for (let i = 0; i < 3; i++) {
        answers[side] = (
          await getJson(`${backends[side].baseUrl}${query}`, tokens[side])
        ).body;
      }
    }
    const summary = body =>
      JSON.stringify(body.totalCount ?? body.unread ?? body.topics?.length);
    log(
      `${engine} ${workload}: herald answers ${summary(
        answers.herald,
      )}, upstream ${summary(answers.upstream)}`,
    );
    for (let round = 0; round < plan.queryRounds; round++) {
      for (const side of orderFor(round)) {
        for (let i = 0; i < plan.queriesPerRound; i++) {
          const { ms } = await getJson(
            `${backends[side].baseUrl}${query}`,
            tokens[side],
          );
          record.add(engine, workload, side, ms);
        }
      }
    }
  }
}

async function runSockets(engine, backends, staticToken, record) {
  const client = new CommandProcess(path.join(__dirname, 'socket-client.js'));
  const channels = ['notifications', 'bench'];
  let rep = 0;
  const broadcast = async workload => {
    for (let i = 0; i < plan.socketReps; i++, rep++) {
      for (const side of orderFor(rep)) {
        if (record.failed(engine, workload, side)) {
          continue;
        }
        const outcome = await client.call('deliver', {
          side,
          channel: 'notifications',
          timeoutMs: 60000,
          request: {
            url: `${backends[side].baseUrl}/api/notifications`,
            token: staticToken,
            body: {
              recipients: { type: 'broadcast' },
              payload: { title: `Maintenance window ${rep}`, severity: 'high' },
            },
          },
        });
        settle(workload, side, outcome);
      }
    }
  };
  const settle = (workload, side, outcome) => {
    if (outcome.missing > 0 || outcome.unexpected > 0) {
      record.fail(
        engine,
        workload,
        side,
        `${outcome.missing} of ${outcome.expected} sockets got nothing within 60 s; ${outcome.unexpected} frames reached sockets not addressed`,
      );
    } else {
      record.add(engine, workload, side, outcome.ms);
    }
    log(
      `${engine} ${workload} ${side}: ${outcome.ms?.toFixed(
        1,
      )} ms (response ${outcome.responseMs.toFixed(1)} ms)`,
    );
  };
  const open = async count => {
    for (const side of sideNames) {
      const opened = await client.call('open', {
        side,
        baseUrl: backends[side].baseUrl,
        count,
        channels,
      });
      log(
        `${engine} ${side}: ${opened.open} sockets open (${(
          opened.ms / 1000
        ).toFixed(1)} s)`,
      );
    }
    await sleep(3000);
  };
  // Two collections a moment apart let the allocator hand freed pages back
  // before the reading, so the difference is what the sockets hold.
  const collectedMemory = async side => {
    const url = `${backends[side].baseUrl}/api/bench/memory`;
    await postJson(url, staticToken, {});
    await sleep(2000);
    const usage = JSON.parse((await postJson(url, staticToken, {})).text);
    return { rss: usage.rss, heap: usage.heapUsed + usage.external };
  };
  try {
    const memoryWithoutSockets = {};
    for (const side of sideNames) {
      memoryWithoutSockets[side] = await collectedMemory(side);
    }
    await open(plan.smallSockets);
    await broadcast('broadcast-small');
    await open(plan.largeSockets);
    for (const side of sideNames) {
      const withSockets = await collectedMemory(side);
      const perSocketKb = key =>
        (withSockets[key] - memoryWithoutSockets[side][key]) /
        plan.largeSockets /
        1024;
      record.add(engine, 'idle-socket-memory', side, perSocketKb('rss'));
      record.add(engine, 'idle-socket-heap', side, perSocketKb('heap'));
      log(
        `${engine} idle socket ${side}: ${perSocketKb('rss').toFixed(
          1,
        )} KB resident, ${perSocketKb('heap').toFixed(1)} KB heap`,
      );
    }
    await broadcast('broadcast-large');
    const step = plan.largeSockets / plan.signalUsers;
    const targets = Array.from(
      { length: plan.signalUsers },
      (_, i) => `bench-socket-${i * step}`,
    );
    for (let i = 0; i < plan.socketReps; i++, rep++) {
      for (const side of orderFor(rep)) {
        const outcome = await client.call('deliver', {
          side,
          channel: 'bench',
          expectUsers: targets,
          timeoutMs: 60000,
          request: {
            url: `${backends[side].baseUrl}/api/bench/signal`,
            token: staticToken,
            body: {
              recipients: {
                type: 'user',
                entityRef: targets.map(name => `user:default/${name}`),
              },
              channel: 'bench',
              message: { sequence: rep },
            },
          },
        });
        settle('signal-targeted', side, outcome);
      }
    }
  } finally {
    for (const side of sideNames) {
      await client.call('close', { side }).catch(() => undefined);
    }
    client.stop();
  }
}

async function runEngine(engine, record, engineIndex) {
  const runId = crypto.randomBytes(4).toString('hex');
  const staticToken = crypto.randomBytes(24).toString('hex');
  const engineDir = path.join(rawDir, `${engine}-${runId}`);
  fs.mkdirSync(engineDir, { recursive: true });
  const databaseOptions = {};
  const backends = {};
  try {
    for (const side of orderFor(engineIndex)) {
      const sideDir = path.join(engineDir, side);
      fs.mkdirSync(sideDir, { recursive: true });
      databaseOptions[side] = {
        sqliteDirectory: sideDir,
        postgresUrl,
        prefix: `herald_bench_${runId}_${side}_`,
      };
      const port = await freePort();
      const configFile = path.join(sideDir, 'app-config.json');
      const baseUrl = writeConfig({
        file: configFile,
        port,
        staticToken,
        database: databaseConfig(engine, databaseOptions[side]),
      });
      const started = performance.now();
      try {
        backends[side] = await startBackend({
          side,
          configFile,
          baseUrl,
          logFile: path.join(sideDir, 'backend.log'),
        });
      } catch (error) {
        log(`${engine} ${side} did not start: ${error.message}`);
        throw error;
      }
      log(
        `${engine} ${side} ready on ${baseUrl} in ${(
          (performance.now() - started) /
          1000
        ).toFixed(1)} s`,
      );
    }
    for (const side of sideNames) {
      const token = await benchToken(
        backends[side].baseUrl,
        'warm-up',
        fetchOnceMore,
      );
      await getJson(
        `${backends[side].baseUrl}${inboxQueries['list-default']}`,
        token,
      );
      await postJson(
        `${backends[side].baseUrl}/api/notifications`,
        staticToken,
        {
          recipients: { type: 'entity', entityRef: ['user:default/warm-up'] },
          payload: { title: 'Warm-up' },
        },
      );
    }
    await sleep(5000);
    for (const side of sideNames) {
      const bytes = await restingMemory(backends[side]);
      record.add(engine, 'rest-memory', side, bytes / 1024 / 1024);
      log(`${engine} ${side} at rest: ${(bytes / 1024 / 1024).toFixed(0)} MB`);
    }
    await runSends(engine, backends, staticToken, record);
    await runInbox(engine, backends, databaseOptions, record);
    await runSockets(engine, backends, staticToken, record);
  } finally {
    for (const backend of Object.values(backends)) {
      await backend.stop();
    }
    if (engine === 'postgres') {
      for (const side of sideNames) {
        if (databaseOptions[side]) {
          await dropPostgresDatabases(
            postgresUrl,
            databaseOptions[side].prefix,
          );
        }
      }
    }
    // Keep the backend logs for a post-mortem; the databases can go.
    for (const side of sideNames) {
      const sideDir = path.join(engineDir, side);
      for (const file of fs.existsSync(sideDir)
        ? fs.readdirSync(sideDir)
        : []) {
        if (file.endsWith('.sqlite')) {
          fs.rmSync(path.join(sideDir, file));
        }
      }
    }
  }
}

async function main() {
  const record = createResults();
  const startedAt = new Date();
  for (const [index, engine] of engines.entries()) {
    log(`== ${engine} ==`);
    try {
      await runEngine(engine, record, index);
    } catch (error) {
      log(`${engine} aborted: ${error.stack ?? error}`);
      record.results[engine] ??= {};
      record.results[engine].aborted = String(error.message ?? error).split(
        '\n',
      )[0];
    }
  }
  const name = quick ? 'quick' : 'latest';
  writeReport({
    results: record.results,
    engines,
    quick,
    plan,
    startedAt,
    finishedAt: new Date(),
    outputBase: path.join(resultsDir, name),
    median,
  });
  log(`wrote results/${name}.md, results/${name}.json and results/${name}.svg`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
