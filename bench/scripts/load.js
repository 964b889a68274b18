'use strict';

/*
 * Load benchmark: Herald as the sample backend runs it (Email processor with
 * the stream transport registered), 1,000 WebSocket clients, and sends at a
 * steady rate, each to 10–100 of those users. Optionally the same run against
 * a checkout of another commit, alternating, so the two are compared in one
 * run on the same machine.
 *
 *   yarn load                          60 s at 100 sends/s on SQLite and PostgreSQL
 *   yarn load --base=<checkout>        the same, alternating with that checkout
 *   yarn load --soak                   10 min at 10 sends/s, heap after GC every 10 s
 *
 * Options: --new=<checkout> (default: this one) --engines=sqlite,postgres --rate=<sends/s> --duration=<s>
 * --sockets=<n> --recipients=<min>-<max> --sample-every=<s> --name=<file>
 * --pool-max=<n> (connections per plugin database; knex's default is 10)
 *
 * Writes results/<name>.md and .json (name: load-latest or soak-latest).
 * PostgreSQL comes from BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const {
  databaseConfig,
  freePort,
  startBackend,
  writeConfig,
} = require('./backends');
const { fileCatalogConfig, waitForEntity } = require('./catalog');
const { benchToken, mapWithConcurrency } = require('./clients');
const {
  dropPostgresDatabases,
  notificationsDatabase,
  postgresWalPosition,
} = require('./databases');
const { CommandProcess } = require('./ipc');
const { describeCheckout } = require('./checkouts');
const { sampleProcessors } = require('./sample-processors');
const {
  benchRoot,
  log,
  option,
  percentile,
  postgresUrl,
  rawDir,
  repoRoot,
  resultsDir,
  sleep,
} = require('./runner');

const soak = process.argv.includes('--soak');
const settings = {
  soak,
  engines: option('engines', soak ? 'sqlite' : 'sqlite,postgres').split(','),
  rate: Number(option('rate', soak ? 10 : 100)),
  durationS: Number(option('duration', soak ? 600 : 60)),
  sockets: Number(option('sockets', 1000)),
  recipients: option('recipients', '10-100').split('-').map(Number),
  sampleEveryS: Number(option('sample-every', 10)),
  base: option('base', undefined),
  newRoot: option('new', undefined),
  // For a post-mortem, e.g. --backend-node-args=--cpu-prof
  backendNodeArgs: option('backend-node-args', '').split(' ').filter(Boolean),
  name: option('name', soak ? 'soak-latest' : 'load-latest'),
  maxInFlight: Number(option('max-in-flight', 200)),
  // Connections per plugin database (knex's default is 10).
  poolMax: Number(option('pool-max', 0)) || undefined,
  sendTimeoutMs: 60000,
  postgresUrl,
};

const now = () => performance.timeOrigin + performance.now();
function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : undefined,
  };
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) {
    return undefined;
  }
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

const userName = index => `load-user-${index}`;
const userRef = index => `user:default/${userName(index)}`;

/** Every socket user in the catalog with an address, so each delivery emails. */
function writeCatalog(file, count) {
  const documents = [];
  for (let i = 0; i < count; i++) {
    documents.push(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: User',
        'metadata:',
        `  name: ${userName(i)}`,
        'spec:',
        '  profile:',
        `    email: ${userName(i)}@example.com`,
        '  memberOf: []',
      ].join('\n'),
    );
  }
  fs.writeFileSync(file, `${documents.join('\n---\n')}\n`);
}

/** The sample backend's processor configuration, pointed at the bench users. */
function sampleConfig(catalogFile) {
  return {
    notifications: { processors: sampleProcessors },
    // The catalog's own periodic refresh of 1,000 users (every 100–150 s by
    // default) blocks the event loop for seconds on SQLite; after the
    // initial ingestion it stays out of the measured window.
    catalog: fileCatalogConfig(catalogFile, { minutes: 30 }),
  };
}

async function memory(backend, token) {
  const response = await fetch(`${backend.baseUrl}/api/bench/memory`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const usage = await response.json();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

function readLoopFile(file) {
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line));
}

function randomRecipients(count, [min, max]) {
  const size = min + Math.floor(Math.random() * (max - min + 1));
  const chosen = new Set();
  while (chosen.size < Math.min(size, count)) {
    chosen.add(Math.floor(Math.random() * count));
  }
  return [...chosen];
}

/**
 * POSTs a notification for the bench users `users` (indexes) to `target` as
 * the bench sender, within the send timeout. Resolves to the status, the body
 * and the milliseconds from `sentAt` until it was read; each notification a
 * successful send stored goes into `expected` with its user and `sentAt`, to
 * be matched with the signals that arrive.
 */
async function sendToUsers({
  target,
  staticToken,
  users,
  payload,
  sentAt,
  expected,
}) {
  const response = await fetch(`${target}/api/notifications`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${staticToken}`,
    },
    body: JSON.stringify({
      recipients: { type: 'entity', entityRef: users.map(userRef) },
      payload,
    }),
    signal: AbortSignal.timeout(settings.sendTimeoutMs),
  });
  const text = await response.text();
  const ms = now() - sentAt;
  if (response.ok) {
    for (const notification of JSON.parse(text)) {
      const index = Number(notification.user.split('load-user-')[1]);
      expected.set(notification.id, { user: index, sentAt });
    }
  }
  return { ok: response.ok, status: response.status, text, ms };
}

/**
 * Sends at `rate` per second for `durationMs` (open loop: a slow backend does
 * not slow the schedule down, up to `maxInFlight` sends waiting for an answer,
 * beyond which a due send is counted as skipped). Probes `GET /status` once a
 * second as a user would.
 */
async function drive({
  baseUrl,
  sendTo = [baseUrl],
  staticToken,
  probeToken,
  onTick,
}) {
  const sends = [];
  const expected = new Map();
  const probes = [];
  let inFlight = 0;
  let skipped = 0;
  const pending = new Set();
  const started = performance.now();
  const endAt = started + settings.durationS * 1000;
  let due = 0;

  const sendOne = async sequence => {
    const users = randomRecipients(settings.sockets, settings.recipients);
    const sentAt = now();
    const record = { sentAt, users: users.length };
    sends.push(record);
    try {
      const sent = await sendToUsers({
        target: sendTo[sequence % sendTo.length],
        staticToken,
        users,
        payload: {
          title: `Deployment ${sequence} finished`,
          description: 'The payments service was deployed to production.',
          severity: 'normal',
          topic: 'deployments',
          link: '/catalog/default/component/payments',
        },
        sentAt,
        expected,
      });
      record.ms = sent.ms;
      record.status = sent.status;
      if (!sent.ok) {
        record.error = `HTTP ${sent.status} ${sent.text.slice(0, 200)}`;
      }
    } catch (error) {
      record.ms = now() - sentAt;
      record.error = error.name === 'TimeoutError' ? 'timeout' : error.message;
    }
  };

  const probe = async () => {
    const at = now();
    const entry = { at };
    probes.push(entry);
    try {
      const response = await fetch(`${baseUrl}/api/notifications/status`, {
        headers: { authorization: `Bearer ${probeToken}` },
        signal: AbortSignal.timeout(settings.sendTimeoutMs),
      });
      await response.arrayBuffer();
      entry.status = response.status;
    } catch (error) {
      entry.error = error.name === 'TimeoutError' ? 'timeout' : error.message;
    }
    entry.ms = now() - at;
  };

  let nextProbe = started;
  let nextTick = started;
  let sequence = 0;
  while (performance.now() < endAt) {
    const elapsed = performance.now() - started;
    const target = Math.floor((elapsed / 1000) * settings.rate);
    while (due < target) {
      due++;
      if (inFlight >= settings.maxInFlight) {
        skipped++;
        continue;
      }
      inFlight++;
      const promise = sendOne(sequence++).finally(() => {
        inFlight--;
        pending.delete(promise);
      });
      pending.add(promise);
    }
    if (performance.now() >= nextProbe) {
      nextProbe += 1000;
      const promise = probe().finally(() => pending.delete(promise));
      pending.add(promise);
    }
    if (onTick && performance.now() >= nextTick) {
      nextTick += settings.sampleEveryS * 1000;
      const promise = onTick((performance.now() - started) / 1000).finally(() =>
        pending.delete(promise),
      );
      pending.add(promise);
    }
    await sleep(5);
  }
  await Promise.all([...pending]);
  return { sends, expected, probes, skipped, due };
}

function signalFigures(expected, frames) {
  const latencies = [];
  const seen = new Set();
  let duplicated = 0;
  let misrouted = frames.misrouted;
  let unknown = 0;
  for (let i = 0; i < frames.ids.length; i++) {
    const id = frames.ids[i];
    const want = expected.get(id);
    if (!want) {
      unknown++;
      continue;
    }
    if (want.user !== frames.users[i]) {
      misrouted++;
      continue;
    }
    if (seen.has(id)) {
      duplicated++;
      continue;
    }
    seen.add(id);
    latencies.push(frames.times[i] - want.sentAt);
  }
  return {
    expected: expected.size,
    received: seen.size,
    lost: expected.size - seen.size,
    duplicated,
    misrouted,
    unknown,
    latency: summarize(latencies),
    closedSockets: frames.closed,
  };
}

async function outboxFigures(engine, databaseOptions) {
  const db = notificationsDatabase(engine, databaseOptions);
  try {
    // A batch row holds `deliveries` jobs the worker has not taken apart yet.
    const rows = await db('notification_outbox')
      .select(
        'status',
        db.raw('sum(coalesce(??, 1)) as ??', ['deliveries', 'count']),
      )
      .groupBy('status');
    const count = status =>
      Number(rows.find(row => row.status === status)?.count ?? 0);
    const emails = await db('notification_email_delivery')
      .count({ count: '*' })
      .first();
    return {
      pending: count('pending'),
      dead: count('dead'),
      emails: Number(emails.count),
    };
  } finally {
    await db.destroy();
  }
}

/**
 * Starts a Herald backend on a free port with its config, log and event-loop
 * monitor file in `dir` (their names end in `suffix`, for several backends
 * in one directory). The backend it returns carries its `loopFile`.
 */
async function startMonitoredBackend({
  dir,
  suffix = '',
  staticToken,
  database,
  extra,
  entry,
  resolveFrom,
  nodeArgs = [],
  env = {},
}) {
  const port = await freePort();
  const configFile = path.join(dir, `app-config${suffix}.json`);
  const baseUrl = writeConfig({
    file: configFile,
    port,
    staticToken,
    database,
    extra,
  });
  const loopFile = path.join(dir, `event-loop${suffix}.jsonl`);
  const backend = await startBackend({
    side: 'herald',
    configFile,
    baseUrl,
    logFile: path.join(dir, `backend${suffix}.log`),
    entry,
    resolveFrom,
    nodeArgs: [
      ...nodeArgs,
      '--require',
      path.join(benchRoot, 'lib', 'loop-monitor.js'),
    ],
    env: { ...env, BENCH_LOOP_FILE: loopFile },
  });
  return Object.assign(backend, { loopFile });
}

/**
 * The bench users with their tokens, signed in round-robin over `baseUrls`,
 * once the catalog has ingested all of them.
 */
async function signInUsers(baseUrls) {
  const users = await mapWithConcurrency(
    Array.from({ length: settings.sockets }, (_, i) => i),
    16,
    async i => ({
      ref: userRef(i),
      token: await benchToken(baseUrls[i % baseUrls.length], userName(i)),
    }),
  );
  await waitForEntity(
    baseUrls[0],
    users[0].token,
    `user/default/${userName(settings.sockets - 1)}`,
    () => true,
    300000,
  );
  return users;
}

async function runSide({ engine, side, root, dir, staticToken }) {
  fs.mkdirSync(dir, { recursive: true });
  const databaseOptions = {
    sqliteDirectory: dir,
    postgresUrl: settings.postgresUrl,
    prefix: `herald_load_${path.basename(path.dirname(dir))}_${side}_`.replace(
      /-/g,
      '_',
    ),
  };
  const catalogFile = path.join(dir, 'users.yaml');
  writeCatalog(catalogFile, settings.sockets);
  const backend = await startMonitoredBackend({
    dir,
    staticToken,
    database: {
      ...databaseConfig(engine, databaseOptions),
      ...(settings.poolMax
        ? { knexConfig: { pool: { max: settings.poolMax } } }
        : {}),
    },
    extra: sampleConfig(catalogFile),
    entry: path.join(benchRoot, 'herald-backend', 'load.js'),
    resolveFrom: path.join(root, 'packages', 'backend'),
    nodeArgs: settings.backendNodeArgs,
    env: { BENCH_HERALD_ROOT: root },
  });
  const { baseUrl } = backend;
  const sockets = new CommandProcess(path.join(__dirname, 'load-sockets.js'), {
    // Up to a few hundred thousand frames are recorded per run.
    execArgv: ['--max-old-space-size=2048'],
  });
  const result = { side, commit: describeCheckout(root) };
  try {
    log(`${engine} ${side} (${result.commit}) ready on ${baseUrl}`);
    const users = await signInUsers([baseUrl]);
    const opened = await sockets.call('open', { baseUrl, users });
    log(`${engine} ${side}: ${opened.open} sockets open, catalog ingested`);
    // Warm-up: a few sends so that code paths are compiled and caches filled
    // before the figures start.
    for (let i = 0; i < 10; i++) {
      await fetch(`${baseUrl}/api/notifications`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${staticToken}`,
        },
        body: JSON.stringify({
          recipients: {
            type: 'entity',
            entityRef: randomRecipients(settings.sockets, [10, 10]).map(
              userRef,
            ),
          },
          payload: { title: 'Warm-up' },
        }),
      }).then(response => response.arrayBuffer());
    }
    // In people's backends plugins send too, through the notification
    // service; whatever that leaves in the process must be in the figures.
    await fetch(`${baseUrl}/api/bench/plugin-send`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${staticToken}`,
      },
      body: JSON.stringify({
        recipients: { type: 'entity', entityRef: [userRef(0)] },
        payload: { title: 'Warm-up' },
      }),
    }).then(async response => {
      if (!response.ok) {
        throw new Error(
          `plugin send: ${response.status} ${await response.text()}`,
        );
      }
    });
    await sleep(3000);
    result.before = await memory(backend, staticToken);
    const samples = [];
    backend.signal('SIGUSR2');
    await sockets.call('start');
    const walPosition = () =>
      engine === 'postgres' ? postgresWalPosition(settings.postgresUrl) : 0;
    const walBefore = await walPosition();
    const cpuBefore = backend.cpuSeconds();
    const driveStart = now();
    const driven = await drive({
      baseUrl,
      staticToken,
      probeToken: users[0].token,
      onTick: settings.soak
        ? async at => {
            const wallAt = now();
            const usage = await memory(backend, staticToken);
            samples.push({ at, wallAt, wallEnd: now(), ...usage });
            log(
              `${engine} ${side} t=${at.toFixed(0)} s heap ${(
                usage.heap / 1048576
              ).toFixed(1)} MB rss ${(usage.rss / 1048576).toFixed(0)} MB`,
            );
          }
        : undefined,
    });
    const cpuUsed = backend.cpuSeconds() - cpuBefore;
    const driveSeconds = (now() - driveStart) / 1000;
    const walWritten = (await walPosition()) - walBefore;
    // Signals still on their way when the last send was answered.
    await sleep(5000);
    const frames = await sockets.call('stop');
    backend.signal('SIGUSR2');
    await sleep(1200);
    result.after = await memory(backend, staticToken);

    const ok = driven.sends.filter(s => s.status === 200);
    result.sends = {
      due: driven.due,
      skipped: driven.skipped,
      started: driven.sends.length,
      ok: ok.length,
      failed: driven.sends.length - ok.length,
      timeouts: driven.sends.filter(s => s.error === 'timeout').length,
      firstError: driven.sends.find(s => s.error)?.error,
      recipients: ok.reduce((n, s) => n + s.users, 0),
      latency: summarize(ok.map(s => s.ms)),
      ...slowSeconds(ok, driven.sends[0]?.sentAt ?? 0),
    };
    if (engine === 'postgres') {
      result.walPerSendKb =
        ok.length > 0 ? walWritten / 1024 / ok.length : undefined;
    }
    result.cpu = {
      busyShare: cpuUsed / driveSeconds,
      perSendMs: ok.length > 0 ? (cpuUsed * 1000) / ok.length : undefined,
    };
    result.status = {
      ...summarize(driven.probes.map(p => p.ms)),
      failed: driven.probes.filter(p => p.status !== 200).length,
    };
    result.signals = signalFigures(driven.expected, frames);
    const loop = readLoopFile(backend.loopFile);
    const windows = loop.filter(line => line.type === 'window');
    const window = windows[windows.length - 1];
    const loadStart = driven.sends[0]?.sentAt ?? 0;
    // The seconds of the load window only: the memory reading after it
    // forces collections that pause the loop on purpose.
    const seconds = loop.filter(
      line =>
        line.type === 'second' &&
        line.at - 1000 >= loadStart &&
        line.at <= (window?.at ?? Infinity),
    );
    result.eventLoop = {
      max: window?.max,
      p99: window?.p99,
      p50: window?.p50,
      secondsOver200: seconds.filter(line => line.max > 200).length,
      worstSeconds: [...seconds]
        .sort((a, b) => b.max - a.max)
        .slice(0, 5)
        .map(line => ({ t: (line.at - loadStart) / 1000, max: line.max })),
    };
    if (samples.length > 0) {
      // The soak's forced collections pause the loop themselves; this is the
      // worst second that did not contain one.
      const quiet = seconds.filter(
        line =>
          !samples.some(
            sample =>
              sample.wallEnd >= line.at - 1000 && sample.wallAt <= line.at,
          ),
      );
      result.eventLoop.maxOutsideCollections = Math.max(
        ...quiet.map(line => line.max),
      );
    }
    if (samples.length > 0) {
      // The first samples include warm-up growth (caches, JIT); the trend is
      // read over the second half of the run.
      const steady = samples.filter(s => s.at >= settings.durationS / 2);
      result.soak = {
        samples,
        heapSlopeMbPerMin:
          slope(steady.map(s => [s.at / 60, s.heap / 1048576])) ?? 0,
        rssSlopeMbPerMin:
          slope(steady.map(s => [s.at / 60, s.rss / 1048576])) ?? 0,
      };
    }
    log(
      `${engine} ${side}: sends p99 ${fmtMs(
        result.sends.latency.p99,
      )}, signals p99 ${fmtMs(result.signals.latency.p99)}, lost ${
        result.signals.lost
      }, loop max ${fmtMs(result.eventLoop.max)}`,
    );
  } finally {
    await sockets.call('close').catch(() => undefined);
    sockets.stop();
    await backend.stop();
  }
  result.postProcessTimeouts = await countLines(
    path.join(dir, 'backend.log'),
    /postProcess of \S+ .*timed out/,
  );
  result.outbox = await outboxFigures(engine, databaseOptions).catch(error => ({
    error: error.message,
  }));
  if (engine === 'postgres') {
    await dropPostgresDatabases(settings.postgresUrl, databaseOptions.prefix);
  } else {
    for (const file of fs.readdirSync(dir)) {
      if (file.endsWith('.sqlite')) {
        fs.rmSync(path.join(dir, file));
      }
    }
  }
  return result;
}

async function countLines(file, pattern) {
  const readline = require('node:readline');
  let count = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(file) });
  for await (const line of lines) {
    if (pattern.test(line)) {
      count++;
    }
  }
  return count;
}

function fmtMs(value) {
  if (value === undefined || value === null) {
    return '—';
  }
  return value >= 1000
    ? `${(value / 1000).toFixed(2)} s`
    : `${value.toFixed(1)} ms`;
}

const fmtMb = bytes =>
  bytes === undefined ? '—' : `${(bytes / 1048576).toFixed(0)} MB`;

/**
 * The seconds of the run whose sends waited longest: when a tail comes in
 * bursts, their times show what it lines up with (a checkpoint, a task).
 */
function slowSeconds(sends, loadStart) {
  const worstBySecond = new Map();
  for (const send of sends) {
    const second = Math.floor((send.sentAt - loadStart) / 1000);
    worstBySecond.set(
      second,
      Math.max(worstBySecond.get(second) ?? 0, send.ms),
    );
  }
  const seconds = [...worstBySecond].map(([t, max]) => ({ t, max }));
  return {
    secondsOver1s: seconds.filter(second => second.max > 1000).length,
    worstSeconds: seconds.sort((a, b) => b.max - a.max).slice(0, 5),
  };
}

function rows(result) {
  const r = result;
  return [
    ['Sends answered 200 / due', `${r.sends.ok} / ${r.sends.due}`],
    [
      'Sends failed (timed out) / skipped',
      `${r.sends.failed} (${r.sends.timeouts}) / ${r.sends.skipped}`,
    ],
    ['Send latency p50', fmtMs(r.sends.latency.p50), r.sends.latency.p50],
    ['Send latency p95', fmtMs(r.sends.latency.p95), r.sends.latency.p95],
    ['Send latency p99', fmtMs(r.sends.latency.p99), r.sends.latency.p99],
    ...(r.sends.worstSeconds
      ? [
          [
            'Seconds whose sends waited over 1 s',
            String(r.sends.secondsOver1s),
          ],
          [
            'Slowest seconds (s into the run: worst send)',
            r.sends.worstSeconds
              .slice(0, 3)
              .map(second => `${second.t}: ${fmtMs(second.max)}`)
              .join(', '),
          ],
        ]
      : []),
    ['Signal latency p50', fmtMs(r.signals.latency.p50), r.signals.latency.p50],
    ['Signal latency p95', fmtMs(r.signals.latency.p95), r.signals.latency.p95],
    ['Signal latency p99', fmtMs(r.signals.latency.p99), r.signals.latency.p99],
    ['Signals expected', String(r.signals.expected)],
    [
      'Signals lost / duplicated / misrouted',
      `${r.signals.lost} / ${r.signals.duplicated} / ${r.signals.misrouted}`,
    ],
    [
      'Status read max (failed)',
      `${fmtMs(r.status.max)} (${r.status.failed})`,
      r.status.max,
    ],
    ['Event-loop delay max', fmtMs(r.eventLoop.max), r.eventLoop.max],
    ['Event-loop delay p99', fmtMs(r.eventLoop.p99), r.eventLoop.p99],
    ['Seconds with a delay over 200 ms', String(r.eventLoop.secondsOver200)],
    [
      'Backend CPU while sending (share of one core)',
      `${Math.round(r.cpu.busyShare * 100)}%`,
      r.cpu.busyShare,
    ],
    ['Backend CPU per answered send', fmtMs(r.cpu.perSendMs), r.cpu.perSendMs],
    ...(r.walPerSendKb !== undefined
      ? [
          [
            'PostgreSQL WAL per answered send (whole server)',
            `${r.walPerSendKb.toFixed(0)} kB`,
            r.walPerSendKb,
          ],
        ]
      : []),
    [
      'RSS before → after',
      `${fmtMb(r.before.rss)} → ${fmtMb(r.after.rss)}`,
      r.after.rss,
    ],
    [
      'Heap after GC before → after',
      `${fmtMb(r.before.heap)} → ${fmtMb(r.after.heap)}`,
      r.after.heap,
    ],
    ['Emails rendered', String(r.outbox.emails ?? r.outbox.error)],
    [
      'Outbox pending / dead at the end',
      `${r.outbox.pending} / ${r.outbox.dead}`,
    ],
    ['postProcess timeouts', String(r.postProcessTimeouts)],
    ...(r.soak
      ? [
          [
            'Event-loop delay max outside the forced collections',
            fmtMs(r.eventLoop.maxOutsideCollections),
          ],
          [
            'Heap slope, second half (MB/min)',
            r.soak.heapSlopeMbPerMin.toFixed(2),
          ],
          [
            'RSS slope, second half (MB/min)',
            r.soak.rssSlopeMbPerMin.toFixed(2),
          ],
        ]
      : []),
  ];
}

function report(all, startedAt) {
  const lines = [
    `Run ${startedAt.toISOString()} – ${new Date().toISOString()} on ${
      os.cpus().length
    } × ${os.cpus()[0]?.model}, Node ${process.version}.`,
    `${settings.sockets} sockets; ${settings.rate} sends/s for ${
      settings.durationS
    } s, each to ${settings.recipients.join(
      '–',
    )} of those users; Email processor (stream transport) registered, every user has an address.`,
    '',
  ];
  for (const [engine, results] of Object.entries(all)) {
    const sides = results.map(r => r.side);
    const header = [
      'Database',
      'Measure',
      ...results.map(r => `${r.side} (${r.commit})`),
    ];
    const ratio = sides.length === 2;
    if (ratio) {
      header.push(`${sides[0]} / ${sides[1]}`);
    }
    lines.push(`| ${header.join(' | ')} |`);
    lines.push(
      `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    );
    const tables = results.map(rows);
    for (let i = 0; i < tables[0].length; i++) {
      const cells = [
        engine === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        tables[0][i][0],
      ];
      for (const table of tables) {
        cells.push(table[i][1]);
      }
      if (ratio) {
        const [a, b] = tables.map(table => table[i][2]);
        cells.push(
          typeof a === 'number' && typeof b === 'number' && b > 0
            ? (a / b).toFixed(2)
            : '',
        );
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main() {
  const startedAt = new Date();
  const runId = crypto.randomBytes(4).toString('hex');
  const staticToken = crypto.randomBytes(24).toString('hex');
  const checkouts = [
    { side: 'new', root: path.resolve(settings.newRoot ?? repoRoot) },
  ];
  if (settings.base) {
    checkouts.push({ side: 'base', root: path.resolve(settings.base) });
  }
  const all = {};
  for (const [index, engine] of settings.engines.entries()) {
    all[engine] = [];
    // Alternates which side goes first so neither always runs on a warmer machine.
    const order = index % 2 === 0 ? checkouts : [...checkouts].reverse();
    for (const { side, root } of order) {
      log(`== ${engine} ${side} ==`);
      const dir = path.join(rawDir, `load-${runId}`, `${engine}-${side}`);
      all[engine].push(await runSide({ engine, side, root, dir, staticToken }));
    }
    all[engine].sort((a, b) =>
      a.side === 'new' ? -1 : b.side === 'new' ? 1 : 0,
    );
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  const base = path.join(resultsDir, settings.name);
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify(
      // Checkout locations are this machine's; the commits are in the results.
      {
        settings: { ...settings, base: undefined, newRoot: undefined },
        results: all,
      },
      null,
      2,
    ),
  );
  const markdown = report(all, startedAt);
  fs.writeFileSync(`${base}.md`, markdown);
  process.stdout.write(`\n${markdown}\n`);
  log(`wrote results/${settings.name}.md and .json`);
}

// The multi-replica benchmark (replicas.js) runs the same sends and
// measurements against several backends.
module.exports = {
  settings,
  drive,
  signalFigures,
  summarize,
  memory,
  randomRecipients,
  readLoopFile,
  sendToUsers,
  sampleConfig,
  signInUsers,
  startMonitoredBackend,
  writeCatalog,
  fmtMs,
  log,
  option,
};

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
