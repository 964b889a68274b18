'use strict';

/*
 * Runs every workload against the Herald backend and the upstream backend,
 * alternating between them, on SQLite and on PostgreSQL, and writes the
 * results table and chart.
 *
 *   yarn bench            full run, writes results/latest.{md,json,svg}
 *   yarn bench --quick    small smoke run, writes results/quick.{md,json,svg}
 *   --engines=sqlite      limit the engines (sqlite, postgres)
 *   --storage-only        sends, inbox and their curves; no sockets
 *   --sockets-only        broadcasts, the targeted signal and idle-socket memory
 *   --sends-only          the sends and the outbox drain after them
 *   --inbox-only          the inbox, its search and its curve
 *   --without-email       Herald without the Email module, as the bench ran
 *                         before the sample's processors were registered
 *   --socket-counts=1000,5000  the broadcast curve's socket counts
 *   --socket-reps=25      broadcasts and targeted signals per side and count:
 *                         more than the plan's to settle a ratio near 1
 *   --name=<name>         writes results/<name>.* instead of the default
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
  waitUntilQuiet,
  writeConfig,
} = require('./backends');
const {
  fileCatalogConfig,
  groupRef,
  waitForGroups,
  writeGroupCatalog,
} = require('./catalog');
const { benchToken } = require('./clients');
const { fetchOnceMore, getJson, postJson } = require('./http-json');
const {
  dropPostgresDatabases,
  notificationsDatabase,
  seedInbox,
  storageFloor,
} = require('./databases');
const { CommandProcess } = require('./ipc');
const { openFileRoom, raiseOpenFileLimit } = require('./open-files');
const { outboxDrained } = require('./outbox');
const { inboxQueries, releaseSend } = require('./workloads');
const { writeReport } = require('./report');
const { sampleProcessors, sendBodyLimit } = require('./sample-processors');
const {
  log,
  median,
  option,
  postgresUrl,
  rawDir,
  resultsDir,
  sleep,
} = require('./runner');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const storageOnly = args.includes('--storage-only');
const socketsOnly = args.includes('--sockets-only');
// The sends and the outbox drain after them, without seeding the inboxes.
const sendsOnly = args.includes('--sends-only');
// The inbox workloads alone, on inboxes seeded without the sends before them.
const inboxOnly = args.includes('--inbox-only');
// Herald as the first benchmarks ran it, with no processor after the send.
const withoutEmail = args.includes('--without-email');
const enginesArg = args.find(arg => arg.startsWith('--engines='));
const engines = enginesArg
  ? enginesArg.slice('--engines='.length).split(',')
  : ['sqlite', 'postgres'];

const plan = quick
  ? {
      sends: [
        { recipients: 100, reps: 1 },
        { recipients: 1000, reps: 1 },
        { recipients: 10000, reps: 1 },
      ],
      groupSends: [{ members: 1000, reps: 1 }],
      inboxRows: 100000,
      inboxCurve: [1000, 10000],
      curveRounds: 1,
      curveQueriesPerRound: 3,
      queryRounds: 1,
      queriesPerRound: 5,
      warmUpRequests: 3,
      warmUpMs: 1000,
      broadcastSockets: [100, 500],
      largeSockets: 500,
      signalUsers: 100,
      socketReps: 1,
      socketWarmups: 1,
    }
  : {
      sends: [
        { recipients: 100, reps: 5 },
        { recipients: 1000, reps: 3 },
        { recipients: 10000, reps: 3 },
        { recipients: 100000, reps: 2 },
      ],
      // Sends to a catalog group of that many members, as a team is
      // addressed. Upstream's throttle holds a send for 5 s per 1,000
      // recipients, 50 s for a group of 10,000, so it sits out the largest.
      groupSends: [
        { members: 10000, reps: 3 },
        { members: 100000, reps: 2, heraldOnly: true },
      ],
      inboxRows: 100000,
      // Owners of these many rows besides the main inbox, each read with the
      // page default: the inbox curve, with the main inbox as its 100,000 point.
      inboxCurve: [1000, 10000, 1000000],
      curveRounds: 2,
      curveQueriesPerRound: 10,
      queryRounds: 3,
      queriesPerRound: 20,
      // Unmeasured requests before each inbox workload, per side: this many
      // or as many as fit in this time, whichever is fewer.
      warmUpRequests: 2000,
      warmUpMs: 10000,
      // The broadcast curve; the idle-socket memory is read at its top.
      broadcastSockets: [1000, 5000, 10000, 20000],
      // The targeted signal runs among this many of them.
      largeSockets: 5000,
      signalUsers: 1000,
      // Broadcasts and targeted signals per side and count. With five, the
      // same code's Herald / upstream moved by up to 0.2 from run to run.
      socketReps: 9,
      // Unmeasured broadcasts before the timed ones at each socket count.
      socketWarmups: 2,
    };
plan.broadcastSockets = option('socket-counts', plan.broadcastSockets.join(','))
  .split(',')
  .map(Number);
plan.socketReps = Number(option('socket-reps', plan.socketReps));

/** Past the framework's user-info cache sweep interval (30 s). */
const USER_INFO_SWEEP_MS = 31_000;

const sideNames = ['herald', 'upstream'];

/*
 * Herald runs as the sample backend does, with the Email processor registered
 * (stream transport: rendered, never sent), so every send also queues an
 * outbox delivery per recipient (in batch rows the worker takes apart). The published backend has no Email module in
 * this workspace.
 */
const heraldConfig = {
  notifications: {
    maxRequestBodySize: sendBodyLimit,
    ...(withoutEmail ? {} : { processors: sampleProcessors }),
  },
};

/** The highest resident memory of a backend while `work` runs, sampled every 10 ms. */
async function peakResidentMemory(backend, work) {
  const before = backend.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, backend.rss());
  }, 10);
  try {
    const value = await work();
    return { value, addedBytes: Math.max(peak, backend.rss()) - before };
  } finally {
    clearInterval(sampler);
  }
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

/**
 * Unmeasured requests before a workload's timed ones, the same rule for
 * both sides: a running backend answers from code V8 has compiled, and
 * Herald's request path takes a thousand requests or more to get there. The
 * page default of a fresh backend, in windows of 200 requests, took 5.1, 4.5,
 * 3.7 and then 3.4–4.0 ms on PostgreSQL, and kept falling from 4.6 to 1.7 ms
 * over 3,000 requests on SQLite; after 300 a workload is timed while V8
 * is still compiling. The time bound keeps a side whose requests take long
 * from spending minutes on it.
 */
async function warmUp(url, token) {
  const until = performance.now() + plan.warmUpMs;
  let body;
  for (let i = 0; i < plan.warmUpRequests && performance.now() < until; i++) {
    ({ body } = await getJson(url, token));
  }
  return body;
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

/*
 * The sends, each workload with the refs of its `rep`-th send: that many users
 * by name (a new set for each send), or a catalog group by its ref. Each
 * group send follows the named sends of its size, so both go out while the
 * Email outbox drains about as much behind them.
 */
function sendWorkloads() {
  const workloads = [
    ...plan.sends.map(({ recipients, reps }) => ({
      workload: `send-${recipients}`,
      recipients,
      reps,
      entityRef: rep =>
        Array.from(
          { length: recipients },
          (_, i) => `user:default/recipient-${rep}-${i}`,
        ),
      measuresMemory: recipients === 100000,
    })),
    ...plan.groupSends.map(({ members, reps, heraldOnly }) => ({
      workload: `send-group-${members}`,
      recipients: members,
      reps,
      entityRef: () => groupRef(members),
      heraldOnly,
    })),
  ];
  return workloads.sort((a, b) => a.recipients - b.recipients);
}

const upstreamSitsOut = recipients =>
  `not run: upstream's throttle of 5 s per 1,000 recipients would hold each send for ${
    (recipients / 1000) * 5
  } s`;

async function runSends(engine, backends, staticToken, record, floor) {
  for (const send of sendWorkloads()) {
    const { workload, recipients, reps } = send;
    for (let rep = 0; rep < reps; rep++) {
      for (const side of orderFor(rep)) {
        if (record.failed(engine, workload, side)) {
          continue;
        }
        if (send.heraldOnly && side === 'upstream') {
          record.fail(engine, workload, side, upstreamSitsOut(recipients));
          continue;
        }
        const post = () =>
          postJson(
            `${backends[side].baseUrl}/api/notifications`,
            staticToken,
            releaseSend(send.entityRef(rep), rep),
          );
        let result;
        if (send.measuresMemory) {
          const measured = await peakResidentMemory(backends[side], post);
          result = measured.value;
          if (result.status === 200) {
            record.add(
              engine,
              `${workload}-memory`,
              side,
              measured.addedBytes / 1024 / 1024,
            );
          }
        } else {
          result = await post();
        }
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
      const floorMs = await floor.insert(
        recipients,
        `${workload.slice('send-'.length)}-${rep}`,
      );
      record.add(engine, workload, 'floor', floorMs);
      log(`${engine} ${workload} floor: ${floorMs.toFixed(1)} ms`);
    }
  }
}

// How often the outbox's pending count is read while it drains.
const OUTBOX_POLL_MS = 500;

/*
 * Herald's Email processor runs after a send's response, from the outbox:
 * one job per recipient, once the worker has taken the send's batch rows
 * apart. Until the jobs of the sends above are delivered, the
 * backend spends its CPU and its database on them, and the inbox workloads
 * would measure that drain rather than a list (on SQLite, the one writer's
 * queue). So they wait for it, and the drain's own rate is a row of the
 * report. Upstream has no outbox: it runs its processors inside the send.
 */
async function drainOutbox(engine, backend, staticToken, record) {
  const started = performance.now();
  const { first, last } = await outboxDrained(
    backend.baseUrl,
    staticToken,
    OUTBOX_POLL_MS,
  );
  const seconds = (performance.now() - started) / 1000;
  if (first.pending > 0) {
    record.add(engine, 'outbox-drain', 'herald', first.pending / seconds);
  }
  log(
    `${engine} herald outbox: ${
      first.pending
    } jobs delivered in ${seconds.toFixed(1)} s, ${last.dead} dead`,
  );
}

const curveOwner = rows => `inbox-${rows}`;

async function runInbox(engine, backends, databaseOptions, record, floor) {
  const owner = 'inbox-owner';
  const tokens = {};
  const curveTokens = {};
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
      for (const rows of plan.inboxCurve) {
        await seedInbox(db, {
          user: `user:default/${curveOwner(rows)}`,
          rows,
          otherUsers: 0,
        });
      }
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
    curveTokens[side] = {};
    for (const rows of plan.inboxCurve) {
      curveTokens[side][rows] = await benchToken(
        backends[side].baseUrl,
        curveOwner(rows),
        fetchOnceMore,
      );
    }
  }
  for (const [workload, query] of Object.entries(inboxQueries)) {
    const answers = {};
    for (const side of sideNames) {
      answers[side] = await warmUp(
        `${backends[side].baseUrl}${query}`,
        tokens[side],
      );
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
      await floorQueries(engine, workload, owner, plan.queriesPerRound);
    }
  }

  // The page default against inboxes of other sizes: the inbox curve.
  const pageDefault = inboxQueries['list-default'];
  for (const rows of plan.inboxCurve) {
    const workload = `inbox-${rows}`;
    for (const side of sideNames) {
      await warmUp(
        `${backends[side].baseUrl}${pageDefault}`,
        curveTokens[side][rows],
      );
    }
    for (let round = 0; round < plan.curveRounds; round++) {
      for (const side of orderFor(round)) {
        for (let i = 0; i < plan.curveQueriesPerRound; i++) {
          const { ms } = await getJson(
            `${backends[side].baseUrl}${pageDefault}`,
            curveTokens[side][rows],
          );
          record.add(engine, workload, side, ms);
        }
      }
      await floorQueries(
        engine,
        workload,
        curveOwner(rows),
        plan.curveQueriesPerRound,
        'list-default',
      );
    }
    log(`${engine} ${workload}: measured`);
  }

  async function floorQueries(engine, workload, user, count, query = workload) {
    if (!floor.hasQuery(query)) {
      return;
    }
    for (let i = 0; i < count; i++) {
      const ms = await floor.query(query, `user:default/${user}`);
      record.add(engine, workload, 'floor', ms);
    }
  }
}

// The servers the socket workloads connect to: both backends and the fan-out floor.
const socketSides = [...sideNames, 'floor'];
// Files a process holding sockets opens besides them while they are open: the
// sign-ins' keep-alive connections, database connections, logs.
const FILES_BESIDES_SOCKETS = 200;
// Room for the plan's top count and more, where the limit can be raised.
const OPEN_FILES_WANTED = 65536;

/*
 * The socket counts of the broadcast curve: the plan's, its top lowered to
 * what the tightest of the processes holding the sockets can still open
 * (rounded down to 500) where their open-file limit cannot be raised.
 */
function socketCounts(pids) {
  const limits = pids.map(pid => raiseOpenFileLimit(pid, OPEN_FILES_WANTED));
  const room = Math.min(...pids.map(openFileRoom)) - FILES_BESIDES_SOCKETS;
  const ceiling = Math.floor(room / 500) * 500;
  const counts = [
    ...new Set(plan.broadcastSockets.map(count => Math.min(count, ceiling))),
  ];
  return {
    counts,
    capped: counts.at(-1) < plan.broadcastSockets.at(-1),
    openFileLimit: Math.min(...limits),
  };
}

/*
 * Each server's sockets are held by a client process of its own, so no
 * client needs more open files than the server it connects to.
 */
async function runSockets(engine, backends, staticToken, record) {
  const floorServer = new CommandProcess(
    path.join(__dirname, 'fanout-floor.js'),
    { execArgv: ['--expose-gc'] },
  );
  const clients = Object.fromEntries(
    socketSides.map(side => [
      side,
      new CommandProcess(path.join(__dirname, 'socket-client.js')),
    ]),
  );
  const channels = ['notifications', 'bench'];
  // Why a side stopped taking part: its client process is gone with its sockets.
  const down = {};
  let servers;
  let floorFrame;
  let rep = 0;
  const settle = (workload, side, outcome, measured = true) => {
    if (!measured) {
      if (outcome.missing > 0 || outcome.unexpected > 0) {
        record.fail(engine, workload, side, 'a warm-up broadcast was lost');
      }
      log(
        `${engine} ${workload} ${side}: warm-up ${outcome.ms?.toFixed(1)} ms`,
      );
      return;
    }
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
    for (const side of socketSides) {
      if (down[side]) {
        continue;
      }
      try {
        const opened = await clients[side].call('open', {
          side,
          baseUrl: servers[side].baseUrl,
          count,
          channels,
          signIn: side !== 'floor',
        });
        log(
          `${engine} ${side}: ${opened.open} sockets open (${(
            opened.ms / 1000
          ).toFixed(1)} s)`,
        );
      } catch (error) {
        down[side] = `${count.toLocaleString('en-US')} sockets did not open: ${
          error.message.split('\n')[0]
        }`;
        log(`${engine} ${side}: ${down[side]}`);
        // Its open sockets would weigh on the other sides' readings.
        clients[side].stop();
      }
    }
    await sleep(3000);
  };
  // The floor sends the frame Herald sent for a broadcast notification, so
  // both write the same bytes to every socket.
  // The same delivery on the fan-out floor, timed as the backends' are.
  const deliverOnFloor = async (
    workload,
    { path: route, body, ...delivery },
    measured = true,
  ) => {
    if (down.floor) {
      return;
    }
    const outcome = await clients.floor.call('deliver', {
      side: 'floor',
      timeoutMs: 60000,
      ...delivery,
      request: { url: `${servers.floor.baseUrl}${route}`, body },
    });
    settle(workload, 'floor', outcome, measured);
  };
  const broadcastFloor = async (workload, measured) => {
    if (floorFrame) {
      await deliverOnFloor(
        workload,
        { path: '/broadcast', channel: 'notifications', body: {} },
        measured,
      );
    }
  };
  // The first frames written to freshly opened sockets cost every side more
  // than later ones (a probe at 5,000: Herald 111, 88, 85, 73 ms, then about
  // 62; upstream 107, 98, 73, then about 90), and a socket lives on far
  // longer, so each count starts with unmeasured broadcasts, as the inbox
  // starts with unmeasured requests.
  const broadcast = async count => {
    const workload = `broadcast-${count}`;
    for (let i = 0; i < plan.socketWarmups + plan.socketReps; i++, rep++) {
      const measured = i >= plan.socketWarmups;
      for (const side of orderFor(rep)) {
        if (down[side]) {
          record.fail(engine, workload, side, down[side]);
          continue;
        }
        if (record.failed(engine, workload, side)) {
          continue;
        }
        const outcome = await clients[side].call('deliver', {
          side,
          channel: 'notifications',
          timeoutMs: 60000,
          keepFrame: side === 'herald' && !floorFrame,
          request: {
            url: `${backends[side].baseUrl}/api/notifications`,
            token: staticToken,
            body: {
              recipients: { type: 'broadcast' },
              payload: { title: `Maintenance window ${rep}`, severity: 'high' },
            },
          },
        });
        settle(workload, side, outcome, measured);
        if (outcome.frame) {
          floorFrame = outcome.frame;
          const { bytes } = await floorServer.call('frame', {
            text: floorFrame,
          });
          log(`${engine} fan-out floor frame: ${bytes} bytes`);
        }
      }
      await broadcastFloor(workload, measured);
    }
  };
  const signalTargeted = async () => {
    const step = plan.largeSockets / plan.signalUsers;
    const targets = Array.from(
      { length: plan.signalUsers },
      (_, i) => `bench-socket-${i * step}`,
    );
    for (let i = 0; i < plan.socketReps; i++, rep++) {
      for (const side of orderFor(rep)) {
        if (down[side]) {
          record.fail(engine, 'signal-targeted', side, down[side]);
          continue;
        }
        const outcome = await clients[side].call('deliver', {
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
      await deliverOnFloor('signal-targeted', {
        path: '/signal',
        channel: 'bench',
        expectUsers: targets,
        body: { users: targets, channel: 'bench', message: { sequence: rep } },
      });
    }
  };
  // Resident memory outside the JS heap is native code's and the
  // allocator's; the log keeps the parts so a reading can be taken apart.
  const logMemory = (side, usage) => {
    const mb = bytes => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const osParts = ['anonymous', 'file']
      .filter(part => usage[part] !== undefined)
      .map(part => `${part} ${mb(usage[part])}`);
    log(
      `${engine} memory of ${side}: resident ${mb(usage.rss)} (${[
        `JS heap ${mb(usage.heapResident)} resident, ${mb(
          usage.heapUsed,
        )} used`,
        `outside the JS heap ${mb(usage.rss - usage.heapResident)}`,
        ...osParts,
      ].join('; ')}; after ${usage.collections} collections)`,
    );
  };
  const backendMemory = async side => {
    const url = `${backends[side].baseUrl}/api/bench/memory`;
    return JSON.parse((await postJson(url, staticToken, {})).text);
  };
  // Each server collects its garbage before the reading (resident-memory.js),
  // so the difference is what the sockets hold.
  const collectedMemory = async side => {
    const usage =
      side === 'floor'
        ? await floorServer.call('memory')
        : await backendMemory(side);
    logMemory(side, usage);
    return { rss: usage.rss, heap: usage.heapUsed + usage.external };
  };
  /*
   * Memory per socket between two readings: `workloads` pairs each workload
   * with the reading's key (rss or heap) and what it is called.
   */
  const memoryPerSocket = async (count, earlier, workloads) => {
    for (const side of socketSides) {
      if (down[side]) {
        workloads.forEach(([workload]) =>
          record.fail(engine, workload, side, down[side]),
        );
        continue;
      }
      const later = await collectedMemory(side);
      const perSocketKb = {};
      for (const [workload, key, what] of workloads) {
        const added = later[key] - earlier[side][key];
        perSocketKb[key] = added / count / 1024;
        if (added > 0) {
          record.add(engine, workload, side, perSocketKb[key]);
        } else {
          // Memory the process let go of since the earlier reading
          // outweighed what the sockets hold: no reading of theirs.
          record.fail(
            engine,
            workload,
            side,
            `${what} fell by ${(-added / 1024 / 1024).toFixed(
              1,
            )} MB while ${count} sockets opened`,
          );
        }
      }
      log(
        `${engine} memory per socket ${side}, ${count} sockets: ${workloads
          .map(([, key]) => `${perSocketKb[key].toFixed(1)} KB ${key}`)
          .join(', ')}`,
      );
    }
  };
  const readMemory = async () => {
    const memory = {};
    for (const side of socketSides) {
      if (!down[side]) {
        memory[side] = await collectedMemory(side);
      }
    }
    return memory;
  };
  try {
    const floor = await floorServer.call('listen');
    servers = {
      ...backends,
      floor: { baseUrl: floor.baseUrl, pid: floorServer.child.pid },
    };
    const sockets = socketCounts([
      ...socketSides.map(side => servers[side].pid),
      ...socketSides.map(side => clients[side].child.pid),
    ]);
    (record.results[engine] ??= {}).sockets = sockets;
    if (sockets.capped) {
      log(
        `${engine} open-file limit ${
          sockets.openFileLimit
        }: sockets up to ${sockets.counts.at(-1)}`,
      );
    }
    const memoryWithoutSockets = await readMemory();
    const idleCount = sockets.counts.at(-1);
    const belowIdleCount = sockets.counts.at(-2);
    let memoryBelowIdle;
    // The framework's user-info cache keeps each handshake's entry, token
    // included, until a lookup at least 30 s later sweeps it. One more socket
    // after that wait is such a lookup, so a reading after it holds only what
    // idle sockets keep for good.
    const openSwept = async count => {
      await sleep(USER_INFO_SWEEP_MS);
      await open(count + 1);
    };
    for (const count of sockets.counts) {
      await open(count);
      if (count === idleCount) {
        await openSwept(count);
        await memoryPerSocket(count + 1, memoryWithoutSockets, [
          ['idle-socket-memory', 'rss', 'resident memory'],
          ['idle-socket-heap', 'heap', 'the JS heap'],
        ]);
        if (memoryBelowIdle) {
          await memoryPerSocket(count - belowIdleCount, memoryBelowIdle, [
            ['idle-socket-memory-added', 'rss', 'resident memory'],
          ]);
        }
      }
      await broadcast(count);
      if (count === plan.largeSockets) {
        await signalTargeted();
      }
      if (count === belowIdleCount) {
        // A reading after the broadcasts below the top, so the top's
        // difference from it is the sockets opened since and little else.
        await openSwept(count);
        memoryBelowIdle = await readMemory();
      }
    }
  } finally {
    for (const side of socketSides) {
      if (!down[side]) {
        await clients[side].call('close', { side }).catch(() => undefined);
      }
      clients[side].stop();
    }
    floorServer.stop();
  }
}

// Both catalogs took 6.3 minutes to ingest the groups on SQLite.
const GROUP_INGESTION_TIMEOUT_MS = 30 * 60 * 1000;

/*
 * Waits until both sides' catalogs hold every group of the group sends with
 * all members, and then until both backends are quiet: a catalog serves a
 * group complete before it has stitched the members, which on PostgreSQL
 * takes minutes at more than half a core, and a send timed beside that
 * measures the catalog.
 */
async function ingestGroups(engine, backends, staticToken, sizes, since) {
  await Promise.all(
    sideNames.map(side =>
      waitForGroups(
        backends[side].baseUrl,
        staticToken,
        sizes,
        GROUP_INGESTION_TIMEOUT_MS,
      ),
    ),
  );
  log(
    `${engine} groups of ${sizes.join(', ')} ingested ${(
      (performance.now() - since) /
      1000
    ).toFixed(0)} s after the backends started`,
  );
  const waited = await waitUntilQuiet(
    sideNames.map(side => backends[side]),
    { timeoutMs: GROUP_INGESTION_TIMEOUT_MS },
  );
  log(
    `${engine} catalogs done stitching the members ${(waited / 1000).toFixed(
      0,
    )} s later`,
  );
}

async function runEngine(engine, record, engineIndex) {
  const runId = crypto.randomBytes(4).toString('hex');
  const staticToken = crypto.randomBytes(24).toString('hex');
  const engineDir = path.join(rawDir, `${engine}-${runId}`);
  fs.mkdirSync(engineDir, { recursive: true });
  const databaseOptions = {};
  const backends = {};
  let floorDb;
  const runsSends = !socketsOnly && !inboxOnly;
  const groupSizes = plan.groupSends.map(({ members }) => members);
  const catalogFile = path.join(engineDir, 'groups.yaml');
  if (runsSends) {
    writeGroupCatalog(catalogFile, groupSizes);
  }
  // Both sides' catalogs hold the groups; once ingested they are left alone
  // for the rest of the run.
  const catalogConfig = runsSends
    ? { catalog: fileCatalogConfig(catalogFile, { hours: 24 }) }
    : {};
  const startedAt = performance.now();
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
        extra: {
          ...(side === 'herald' ? heraldConfig : {}),
          ...catalogConfig,
        },
      });
      const started = performance.now();
      try {
        backends[side] = await startBackend({
          side,
          configFile,
          baseUrl,
          logFile: path.join(sideDir, 'backend.log'),
          env: withoutEmail ? { HERALD_BENCH_WITHOUT_EMAIL: '1' } : {},
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
    // The catalog's ingestion holds the event loop for seconds at a time, so
    // it is over before the warm-up.
    if (runsSends) {
      await ingestGroups(engine, backends, staticToken, groupSizes, startedAt);
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
      const warmUpSend = {
        recipients: { type: 'entity', entityRef: ['user:default/warm-up'] },
        payload: { title: 'Warm-up' },
      };
      await postJson(
        `${backends[side].baseUrl}/api/notifications`,
        staticToken,
        warmUpSend,
      );
      // In people's backends plugins send too, through the notification
      // service; whatever that leaves in the process must be in the timings.
      const pluginSend = await postJson(
        `${backends[side].baseUrl}/api/bench/plugin-send`,
        staticToken,
        warmUpSend,
      );
      if (pluginSend.status !== 200) {
        throw new Error(
          `${side} plugin send: ${pluginSend.status} ${pluginSend.text}`,
        );
      }
    }
    await sleep(5000);
    for (const side of sideNames) {
      const bytes = await restingMemory(backends[side]);
      record.add(engine, 'rest-memory', side, bytes / 1024 / 1024);
      log(`${engine} ${side} at rest: ${(bytes / 1024 / 1024).toFixed(0)} MB`);
    }
    if (!socketsOnly) {
      // The floor runs on the Herald side's database: same schema, same rows,
      // written as the plugin's connection writes (on SQLite, no fsync and
      // no checkpoint inside a commit; until 2026-12-07 it had both).
      floorDb = notificationsDatabase(engine, databaseOptions.herald, {
        writer: true,
      });
      const floor = storageFloor(floorDb);
      if (!inboxOnly) {
        await runSends(engine, backends, staticToken, record, floor);
        if (!withoutEmail) {
          await drainOutbox(engine, backends.herald, staticToken, record);
        }
      }
      if (!sendsOnly) {
        await runInbox(engine, backends, databaseOptions, record, floor);
      }
      await floorDb.destroy();
      floorDb = undefined;
    }
    if (!storageOnly && !sendsOnly && !inboxOnly) {
      await runSockets(engine, backends, staticToken, record);
    }
  } finally {
    await floorDb?.destroy();
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
  // A storage-, sockets-, sends- or inbox-only run leaves the full run's results alone,
  // and a run of chosen engines those of the others.
  const part =
    (storageOnly && 'storage-') ||
    (socketsOnly && 'sockets-') ||
    (sendsOnly && 'sends-') ||
    (inboxOnly && 'inbox-') ||
    '';
  const name = option(
    'name',
    `${part}${quick ? 'quick' : 'latest'}${
      enginesArg ? `-${engines.join('-')}` : ''
    }${withoutEmail ? '-without-email' : ''}`,
  );
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
  log(
    `wrote results/${name}.md, results/${name}.json, results/${name}.svg and results/${name}-curves.svg`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
