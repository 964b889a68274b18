import { existsSync, readFileSync } from 'fs';
import { resolve } from 'path';
import {
  FanoutTarget,
  SocketMemory,
  closeSockets,
  openMeasured,
  openSockets,
  timeBroadcast,
  timeTargeted,
} from './fanout';
import { Replica, startReplica } from './replica';

/**
 * Herald's hub against the fan-out floor (a bare `ws` server sending one
 * pre-built frame, `floor.ts`), each in a child process of its own, in the
 * same run, alternating round by round. Prints the workloads of the
 * side-by-side benchmark as Herald / floor, with Herald / upstream from the
 * side-by-side benchmark's last run, and the curve of broadcast time and
 * idle memory against the number of sockets.
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const large = Number(process.env.BENCH_SOCKETS ?? 5000);
const small = 1000;
const targeted = Number(process.env.BENCH_TARGETED ?? 1000);
const curve = (process.env.BENCH_CURVE ?? '1000,2000,5000,10000,20000')
  .split(',')
  .map(Number);
const curveRounds = Number(process.env.BENCH_CURVE_ROUNDS ?? 3);

/** Descriptors besides sockets: IPC, stdio, the backend's own files. */
const spareFiles = 100;

/**
 * Node.js raises its soft open-files limit to the hard one at startup, so
 * the hard limit is what this process and the backends (each holding every
 * socket of the largest step) can use; only a privileged user can raise it.
 */
function checkOpenFiles() {
  const needed =
    Math.max(Math.max(...curve), 2 * Math.max(large, small)) + spareFiles;
  let limit = Infinity;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find(l => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft && soft !== 'unlimited') {
      limit = Number(soft);
    }
  } catch {
    // Not Linux: the sockets will tell.
  }
  if (needed > limit) {
    throw new Error(
      `This run holds up to ${
        needed - spareFiles
      } sockets in one process and needs about ${needed} open files, ` +
        `but the limit is ${limit} (ulimit -n). Raise it (ulimit -Hn ${needed}; ulimit -n ${needed}, as a user allowed to) ` +
        `or lower BENCH_CURVE to at most ${limit - spareFiles} sockets.`,
    );
  }
}

/**
 * User plus system CPU time of a process so far, in milliseconds (Linux;
 * clock ticks of 10 ms, so sum it over rounds). Less skewed by other load
 * on the machine than the time until the last socket has its frame.
 */
function cpuMsOf(pid: number) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // utime and stime, fields 14 and 15 of the line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function asTarget(replica: Replica): FanoutTarget {
  return {
    url: replica.url,
    tokenFor: index => `user-u${index}`,
    publish: async signal => {
      const answer = await replica.call({ type: 'publish', signal });
      if (answer.error) {
        throw new Error(answer.error);
      }
    },
    memory: async () => (await replica.call({ type: 'memory' })).usage,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) : '—');

/** Milliseconds per round on each side, and the backend's CPU per round. */
type Sides = {
  herald: number[];
  floor: number[];
  cpuMs: { herald: number; floor: number };
};

const sides = (): Sides => ({
  herald: [],
  floor: [],
  cpuMs: { herald: 0, floor: 0 },
});

/**
 * Runs `measure` on both sides `times` times, the order alternating, with
 * the CPU time its backend spent meanwhile.
 */
async function alternate(
  targets: { herald: FanoutTarget; floor: FanoutTarget },
  pids: { herald: number; floor: number },
  times: number,
  measure: (target: FanoutTarget, round: number) => Promise<number>,
): Promise<Sides> {
  const result = sides();
  for (let round = 0; round < times; round++) {
    const order =
      round % 2
        ? (['floor', 'herald'] as const)
        : (['herald', 'floor'] as const);
    for (const side of order) {
      const cpuBefore = cpuMsOf(pids[side]);
      result[side].push(await measure(targets[side], round));
      result.cpuMs[side] += (cpuMsOf(pids[side]) - cpuBefore) / times;
    }
  }
  return result;
}

/** Upstream's medians from the side-by-side benchmark's last run, if any. */
function upstreamFigures() {
  const file = resolve(__dirname, '../../../bench/results/latest.json');
  if (!existsSync(file)) {
    return undefined;
  }
  const run = JSON.parse(readFileSync(file, 'utf8'));
  const of = (workload: string) => {
    const samples = Object.values<any>(run.results).flatMap(
      engine => engine[workload]?.upstream?.samples ?? [],
    );
    return samples.length ? median(samples) : undefined;
  };
  return {
    startedAt: run.startedAt as string,
    broadcastSmall: of('broadcast-small'),
    broadcastLarge: of('broadcast-large'),
    targeted: of('signal-targeted'),
    // Reported in KB (heap used + external) and KB of RSS.
    heapKb: of('idle-socket-heap'),
    rssKb: of('idle-socket-memory'),
  };
}

async function main() {
  checkOpenFiles();
  const start = {
    herald: () => startReplica(),
    floor: () => startReplica({}, 'floor.ts'),
  };
  const replicas = { herald: await start.herald(), floor: await start.floor() };
  const targets = {
    herald: asTarget(replicas.herald),
    floor: asTarget(replicas.floor),
  };

  // The side-by-side workloads: both sides' sockets open at once.
  const table: Record<string, Sides> = {};
  const pids = { herald: replicas.herald.pid, floor: replicas.floor.pid };
  for (const count of [small, large]) {
    const sockets = {
      herald: await openSockets(targets.herald, count),
      floor: await openSockets(targets.floor, count),
    };
    const socketsOf = (target: FanoutTarget) =>
      target === targets.herald ? sockets.herald : sockets.floor;
    table[`broadcast-${count}`] = await alternate(
      targets,
      pids,
      rounds,
      (t, r) => timeBroadcast(t, socketsOf(t), r),
    );
    if (count === large) {
      table.targeted = await alternate(targets, pids, rounds, (t, r) =>
        timeTargeted(t, socketsOf(t), targeted, r),
      );
    }
    await closeSockets([...sockets.herald, ...sockets.floor]);
  }

  await Promise.all([replicas.herald.stop(), replicas.floor.stop()]);

  // The curve: one side at a time, so each backend holds the largest step
  // alone; the side that goes first alternates per step. Each step gets a
  // fresh process, as resident memory does not shrink back after a larger
  // step and would make the next difference meaningless.
  const points: Array<{
    sockets: number;
    broadcast: Sides;
    memory: { herald: SocketMemory; floor: SocketMemory };
  }> = [];
  for (const [step, count] of curve.entries()) {
    const order =
      step % 2
        ? (['floor', 'herald'] as const)
        : (['herald', 'floor'] as const);
    const point = {
      sockets: count,
      broadcast: sides(),
      memory: {} as { herald: SocketMemory; floor: SocketMemory },
    };
    for (const side of order) {
      const replica = await start[side]();
      const target = asTarget(replica);
      const { sockets, memory } = await openMeasured(target, count);
      point.memory[side] = memory;
      // Untimed: a fresh process runs its first broadcast unoptimised.
      await timeBroadcast(target, sockets, -1);
      const cpuBefore = cpuMsOf(replica.pid);
      for (let round = 0; round < curveRounds; round++) {
        point.broadcast[side].push(await timeBroadcast(target, sockets, round));
      }
      point.broadcast.cpuMs[side] =
        (cpuMsOf(replica.pid) - cpuBefore) / curveRounds;
      await closeSockets(sockets);
      await replica.stop();
    }
    points.push(point);
  }

  const upstream = upstreamFigures();
  const top = points[points.length - 1];
  const rows: Array<
    [string, number, number, number | undefined, (v: number) => string]
  > = [
    [
      `broadcast to ${small.toLocaleString('en')} sockets`,
      median(table[`broadcast-${small}`].herald),
      median(table[`broadcast-${small}`].floor),
      upstream?.broadcastSmall,
      ms,
    ],
    [
      `broadcast to ${large.toLocaleString('en')} sockets`,
      median(table[`broadcast-${large}`].herald),
      median(table[`broadcast-${large}`].floor),
      upstream?.broadcastLarge,
      ms,
    ],
    [
      `signal to ${targeted.toLocaleString('en')} of ${large.toLocaleString(
        'en',
      )} sockets`,
      median(table.targeted.herald),
      median(table.targeted.floor),
      upstream?.targeted,
      ms,
    ],
    ...(
      [
        [`broadcast-${small}`, `broadcast to ${small.toLocaleString('en')}`],
        [`broadcast-${large}`, `broadcast to ${large.toLocaleString('en')}`],
        [
          'targeted',
          `signal to ${targeted.toLocaleString('en')} of ${large.toLocaleString(
            'en',
          )}`,
        ],
      ] as const
    ).map(
      ([key, name]) =>
        [
          `backend CPU per ${name}`,
          table[key].cpuMs.herald,
          table[key].cpuMs.floor,
          undefined,
          ms,
        ] as [string, number, number, undefined, (v: number) => string],
    ),
    [
      `JS heap per idle socket (${top.sockets.toLocaleString('en')} sockets)`,
      top.memory.herald.heapUsed,
      top.memory.floor.heapUsed,
      undefined,
      kb,
    ],
    [
      `heap + external per idle socket (${top.sockets.toLocaleString(
        'en',
      )} sockets)`,
      top.memory.herald.heapUsed + top.memory.herald.external,
      top.memory.floor.heapUsed + top.memory.floor.external,
      upstream?.heapKb && upstream.heapKb * 1024,
      kb,
    ],
    [
      `RSS per idle socket (${top.sockets.toLocaleString('en')} sockets)`,
      top.memory.herald.rss,
      top.memory.floor.rss,
      upstream?.rssKb && upstream.rssKb * 1024,
      kb,
    ],
  ];
  const lines = [
    `Medians of ${rounds} alternating rounds (curve: ${curveRounds}); backend CPU is the mean per round; upstream from the side-by-side benchmark's run of ${
      upstream?.startedAt ?? '(none)'
    }, not this run.`,
    '',
    '| workload | Herald | floor (`ws`) | Herald / floor | upstream | Herald / upstream |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ([name, herald, floor, up, unit]) =>
        `| ${name} | ${unit(herald)} | ${unit(floor)} | ${ratio(
          herald,
          floor,
        )} | ${up === undefined ? '—' : unit(up)} | ${ratio(herald, up)} |`,
    ),
    '',
    '| sockets | Herald broadcast | floor broadcast | Herald / floor | Herald CPU | floor CPU | Herald heap / socket | floor heap / socket | Herald RSS / socket | floor RSS / socket |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...points.map(({ sockets, broadcast, memory }) => {
      const herald = median(broadcast.herald);
      const floor = median(broadcast.floor);
      return `| ${sockets.toLocaleString('en')} | ${ms(herald)} | ${ms(
        floor,
      )} | ${ratio(herald, floor)} | ${ms(broadcast.cpuMs.herald)} | ${ms(
        broadcast.cpuMs.floor,
      )} | ${kb(memory.herald.heapUsed)} | ${kb(memory.floor.heapUsed)} | ${kb(
        memory.herald.rss,
      )} | ${kb(memory.floor.rss)} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.env.BENCH_JSON) {
    process.stdout.write(`${JSON.stringify({ table, points }, null, 2)}\n`);
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
