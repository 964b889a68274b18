'use strict';

/*
 * Multi-replica benchmark: three Herald backends on one PostgreSQL database,
 * the WebSocket clients spread over them and the senders round-robin, once
 * with the PostgreSQL signals bus and once with the Redis bus, in one run.
 *
 *   yarn bench:replicas                 100 sends/s for 60 s, then closed-loop senders
 *
 * Phases per bus:
 * - sustained: sends at a steady rate (the load benchmark's open-loop driver,
 *   `load.js`), each to 10–100 users: signals delivered per second, signal
 *   latency, lost / duplicated / misrouted, each replica's event-loop delay;
 * - concurrent senders: 1, 3, 12, 48 senders (`--senders`), each sending its
 *   next notification as soon as the last was answered, for `--phase` seconds:
 *   sends per second, the database's commits per second, send and signal
 *   latency. Every send commits its rows and publishes one signal, and with the
 *   PostgreSQL bus every publish batch is a commit that carries a NOTIFY.
 *
 * Options (as in load.js): --rate --duration --sockets --recipients, and
 * --replicas=<n> (3) --buses=postgres,redis --senders=1,3,12,48 --phase=<s> (10).
 * Writes results/replicas-latest.md and .json. PostgreSQL from
 * BENCH_POSTGRES_URL, Redis from BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379; keys under a prefix of the run's own, deleted after).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { performance } = require('node:perf_hooks');
const { Client } = require('pg');

const { databaseConfig } = require('./backends');
const { dropPostgresDatabases } = require('./databases');
const { CommandProcess } = require('./ipc');
const load = require('./load');
const { sleep } = require('./runner');

const benchRoot = path.resolve(__dirname, '..');
const repoRoot = path.resolve(benchRoot, '..');
const resultsDir = path.join(benchRoot, 'results');

const { log, option, settings: loadSettings } = load;

const settings = {
  replicas: Number(option('replicas', 3)),
  buses: option('buses', 'postgres,redis').split(','),
  senders: option('senders', '1,3,12,48').split(',').map(Number),
  phaseS: Number(option('phase', 10)),
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

const now = () => performance.timeOrigin + performance.now();

function signalsConfig(bus, redisPrefix) {
  return bus === 'redis'
    ? {
        bus: 'redis',
        redis: { connection: settings.redisUrl, keyPrefix: redisPrefix },
      }
    : { bus: 'postgres' };
}

/** Commits so far in every database of the run (pg_stat_database). */
async function commits(prefix) {
  const client = new Client({ connectionString: loadSettings.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select coalesce(sum(xact_commit), 0)::bigint as commits
         from pg_stat_database where datname like $1`,
      [`${prefix}%`],
    );
    return Number(rows[0].commits);
  } finally {
    await client.end();
  }
}

/** The bus's stream and offsets; its batch keys expire by themselves. */
async function deleteRedisKeys(prefix) {
  const Redis = createRequire(
    path.join(repoRoot, 'plugins', 'signals-backend', 'package.json'),
  )('ioredis');
  const redis = new Redis(settings.redisUrl);
  await redis
    .del(`${prefix}log`, `${prefix}offsets`)
    .finally(() => redis.disconnect());
}

async function startReplicas({ bus, dir, staticToken, prefix, redisPrefix }) {
  const catalogFile = path.join(dir, 'users.yaml');
  load.writeCatalog(catalogFile, loadSettings.sockets);
  // The sample's configuration, Email processor included: the replicas run
  // the load run's backend entry, which registers the Email module.
  const sample = load.sampleConfig(catalogFile);
  const start = index =>
    load.startMonitoredBackend({
      dir,
      suffix: `-${index}`,
      staticToken,
      database: databaseConfig('postgres', {
        postgresUrl: loadSettings.postgresUrl,
        prefix,
      }),
      extra: { ...sample, signals: signalsConfig(bus, redisPrefix) },
    });
  // The first replica runs the migrations alone; the others find them done.
  const first = await start(0);
  const others = await Promise.all(
    Array.from({ length: settings.replicas - 1 }, (_, i) => start(i + 1)),
  );
  return [first, ...others];
}

/**
 * `count` senders, each sending its next notification as soon as the last was
 * answered, round-robin over the replicas, for `durationMs`.
 */
async function closedLoop({ baseUrls, staticToken, count, durationMs }) {
  const expected = new Map();
  const latencies = [];
  let failed = 0;
  let sequence = 0;
  const endAt = performance.now() + durationMs;
  const sender = async () => {
    while (performance.now() < endAt) {
      const target = baseUrls[sequence++ % baseUrls.length];
      const users = load.randomRecipients(
        loadSettings.sockets,
        loadSettings.recipients,
      );
      const sentAt = now();
      try {
        const sent = await load.sendToUsers({
          target,
          staticToken,
          users,
          payload: { title: `Build ${sequence} passed`, topic: 'builds' },
          sentAt,
          expected,
        });
        if (!sent.ok) {
          failed++;
          continue;
        }
        latencies.push(sent.ms);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: count }, sender));
  return { expected, sends: load.summarize(latencies), failed };
}

function loopWindow(backend) {
  const windows = load
    .readLoopFile(backend.loopFile)
    .filter(line => line.type === 'window');
  return windows[windows.length - 1] ?? {};
}

async function runBus({ bus, runId, staticToken }) {
  const dir = path.join(resultsDir, 'raw', `replicas-${runId}`, bus);
  fs.mkdirSync(dir, { recursive: true });
  const prefix = `herald_replicas_${runId}_${bus}_`;
  const redisPrefix = `herald:bench:${runId}:`;
  const replicas = await startReplicas({
    bus,
    dir,
    staticToken,
    prefix,
    redisPrefix,
  });
  const baseUrls = replicas.map(replica => replica.baseUrl);
  const sockets = new CommandProcess(path.join(__dirname, 'load-sockets.js'), {
    execArgv: ['--max-old-space-size=2048'],
  });
  const result = { bus, replicas: replicas.length, concurrent: [] };
  try {
    log(`${bus}: ${replicas.length} replicas ready (${baseUrls.join(', ')})`);
    const users = await load.signInUsers(baseUrls);
    const opened = await sockets.call('open', { baseUrls, users });
    log(`${bus}: ${opened.open} sockets open over ${baseUrls.length} replicas`);
    await closedLoop({ baseUrls, staticToken, count: 3, durationMs: 3000 });
    await sleep(2000);

    for (const replica of replicas) {
      replica.signal('SIGUSR2');
    }
    await sockets.call('start');
    const started = now();
    const driven = await load.drive({
      baseUrl: baseUrls[0],
      sendTo: baseUrls,
      staticToken,
      probeToken: users[0].token,
    });
    const sendingMs = now() - started;
    await sleep(5000);
    const frames = await sockets.call('stop');
    for (const replica of replicas) {
      replica.signal('SIGUSR2');
    }
    await sleep(1200);
    const signals = load.signalFigures(driven.expected, frames);
    const ok = driven.sends.filter(send => send.status === 200);
    const loops = replicas.map(loopWindow);
    result.sustained = {
      sendsOk: ok.length,
      sendsDue: driven.due,
      skipped: driven.skipped,
      sendLatency: load.summarize(ok.map(send => send.ms)),
      deliveredPerSecond: signals.received / (sendingMs / 1000),
      signals,
      eventLoopMax: Math.max(...loops.map(l => l.max ?? 0)),
      eventLoopP99: Math.max(...loops.map(l => l.p99 ?? 0)),
    };
    log(
      `${bus} sustained: ${result.sustained.deliveredPerSecond.toFixed(
        0,
      )} signals/s, p50 ${load.fmtMs(signals.latency.p50)}, p99 ${load.fmtMs(
        signals.latency.p99,
      )}, lost ${signals.lost}, duplicated ${signals.duplicated}`,
    );

    // Each backend reports its statistics when it goes idle, at most once a
    // second and otherwise within 10 s: readings are taken after 11 quiet s.
    await sleep(11000);
    let commitsBefore = await commits(prefix);
    for (const count of settings.senders) {
      await sockets.call('start');
      const phaseStart = now();
      const outcome = await closedLoop({
        baseUrls,
        staticToken,
        count,
        durationMs: settings.phaseS * 1000,
      });
      const phaseMs = now() - phaseStart;
      await sleep(3000);
      const phaseFrames = await sockets.call('stop');
      await sleep(8000);
      const commitsAfter = await commits(prefix);
      const phaseCommits = commitsAfter - commitsBefore;
      commitsBefore = commitsAfter;
      const phaseSignals = load.signalFigures(outcome.expected, phaseFrames);
      const figures = {
        senders: count,
        sendsPerSecond: outcome.sends.count / (phaseMs / 1000),
        commitsPerSecond: phaseCommits / (phaseMs / 1000),
        commitsPerSend: phaseCommits / Math.max(1, outcome.sends.count),
        sendLatency: outcome.sends,
        failed: outcome.failed,
        deliveredPerSecond: phaseSignals.received / (phaseMs / 1000),
        signals: phaseSignals,
      };
      result.concurrent.push(figures);
      log(
        `${bus} ${count} senders: ${figures.sendsPerSecond.toFixed(
          0,
        )} sends/s, ${figures.commitsPerSecond.toFixed(
          0,
        )} commits/s, send p50 ${load.fmtMs(
          outcome.sends.p50,
        )}, signal p99 ${load.fmtMs(phaseSignals.latency.p99)}, lost ${
          phaseSignals.lost
        }`,
      );
    }
  } finally {
    await sockets.call('close').catch(() => undefined);
    sockets.stop();
    await Promise.all(replicas.map(replica => replica.stop()));
    await dropPostgresDatabases(loadSettings.postgresUrl, prefix);
    if (bus === 'redis') {
      await deleteRedisKeys(redisPrefix);
    }
  }
  return result;
}

const busLabel = bus => (bus === 'redis' ? 'Redis' : 'PostgreSQL');

function table(header, body) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...body.map(row => `| ${row.join(' | ')} |`),
  ];
}

function report(results, startedAt) {
  const { fmtMs } = load;
  const lines = [
    `Run ${startedAt.toISOString()} – ${new Date().toISOString()} on ${
      os.cpus().length
    } × ${os.cpus()[0]?.model}, Node ${process.version}.`,
    `${settings.replicas} replicas on one PostgreSQL database; ${
      loadSettings.sockets
    } sockets spread over them; sends round-robin, each to ${loadSettings.recipients.join(
      '–',
    )} users.`,
    '',
    `Sustained: ${loadSettings.rate} sends/s for ${loadSettings.durationS} s.`,
    '',
    ...table(
      ['Measure', ...results.map(r => busLabel(r.bus))],
      [
        ['Sends answered / due', r => `${r.sendsOk} / ${r.sendsDue}`],
        ['Send latency p50', r => fmtMs(r.sendLatency.p50)],
        ['Send latency p99', r => fmtMs(r.sendLatency.p99)],
        ['Signals delivered per second', r => r.deliveredPerSecond.toFixed(0)],
        ['Signal latency p50', r => fmtMs(r.signals.latency.p50)],
        ['Signal latency p99', r => fmtMs(r.signals.latency.p99)],
        [
          'Signals lost / duplicated / misrouted',
          r =>
            `${r.signals.lost} / ${r.signals.duplicated} / ${r.signals.misrouted}`,
        ],
        [
          'Event-loop delay max / p99 (worst replica)',
          r => `${fmtMs(r.eventLoopMax)} / ${fmtMs(r.eventLoopP99)}`,
        ],
      ].map(([label, cell]) => [label, ...results.map(r => cell(r.sustained))]),
    ),
    '',
    `Concurrent senders, ${settings.phaseS} s each, every sender waiting for its answer before the next send:`,
    '',
  ];
  const header = ['Senders'];
  for (const r of results) {
    const bus = busLabel(r.bus);
    header.push(
      `${bus} sends/s`,
      `${bus} commits/s (per send)`,
      `${bus} send p50 / p99`,
      `${bus} signal p50 / p99`,
      `${bus} lost / dup.`,
    );
  }
  const body = settings.senders.map((count, index) => {
    const row = [String(count)];
    for (const r of results) {
      const c = r.concurrent[index];
      row.push(
        c.sendsPerSecond.toFixed(0),
        `${c.commitsPerSecond.toFixed(0)} (${c.commitsPerSend.toFixed(1)})`,
        `${fmtMs(c.sendLatency.p50)} / ${fmtMs(c.sendLatency.p99)}`,
        `${fmtMs(c.signals.latency.p50)} / ${fmtMs(c.signals.latency.p99)}`,
        `${c.signals.lost} / ${c.signals.duplicated}`,
      );
    }
    return row;
  });
  lines.push(...table(header, body), '');
  return lines.join('\n');
}

async function main() {
  const startedAt = new Date();
  const runId = crypto.randomBytes(4).toString('hex');
  const staticToken = crypto.randomBytes(24).toString('hex');
  const results = [];
  for (const bus of settings.buses) {
    log(`== ${busLabel(bus)} bus ==`);
    results.push(await runBus({ bus, runId, staticToken }));
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  const base = path.join(resultsDir, 'replicas-latest');
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify(
      {
        settings: {
          ...settings,
          rate: loadSettings.rate,
          durationS: loadSettings.durationS,
          sockets: loadSettings.sockets,
          recipients: loadSettings.recipients,
        },
        results,
      },
      null,
      2,
    ),
  );
  const markdown = report(results, startedAt);
  fs.writeFileSync(`${base}.md`, markdown);
  process.stdout.write(`\n${markdown}\n`);
  log('wrote results/replicas-latest.md and .json');
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
