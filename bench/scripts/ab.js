'use strict';

/*
 * What the side-by-side runners of two checkouts share (`inbox-ab.js`,
 * `send-ab.js`): a Herald backend per checkout, as the sample backend runs
 * it (the Email processor registered), each on a database of its own, and
 * the medians and first quartiles of each round and of every round after the
 * warm-up.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const {
  databaseConfig,
  freePort,
  startBackend,
  writeConfig,
} = require('./backends');
const { describeCheckout } = require('./checkouts');
const { dropPostgresDatabases } = require('./databases');
const { sampleProcessors, sendBodyLimit } = require('./sample-processors');
const {
  benchRoot,
  log,
  median,
  percentile,
  postgresUrl,
  resultsDir,
} = require('./runner');

/** Median, 10th, 25th and 90th percentile of a side's times, in ms. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = value => Math.round(value * 1000) / 1000;
  return {
    requests: sorted.length,
    median: ms(median(sorted)),
    p10: ms(percentile(sorted, 10)),
    p25: ms(percentile(sorted, 25)),
    p90: ms(percentile(sorted, 90)),
  };
}

/**
 * Each round's spread per side with its times in the order they were taken,
 * and the spread of every request after the warm-up round, both sides' taken
 * alternately.
 */
function summarize(rounds) {
  const perSide = (samples, withTimes = false) =>
    Object.fromEntries(
      Object.entries(samples).map(([side, ms]) => [
        side,
        withTimes ? { ...spread(ms), ms } : spread(ms),
      ]),
    );
  const warm = rounds.slice(1);
  return {
    rounds: rounds.map(round => perSide(round, true)),
    afterWarmUp: perSide(
      Object.fromEntries(
        Object.keys(rounds[0]).map(side => [
          side,
          warm.flatMap(round => round[side]),
        ]),
      ),
    ),
  };
}

/**
 * `rounds` rounds of `steps` steps each. A step measures each side in turn,
 * running `afterEach` after each measurement, so every measurement but the
 * first follows one of the other side. The order is the same in every step:
 * a send that followed one of its own side's took about 0.6 × as long as one
 * that followed the other side's, so when the first side alternated per
 * step, half of each side's sends followed their own, and the median of such
 * a mix jumped between the two. Each round's medians are logged after
 * `label`; the result is their summary.
 */
async function alternateRounds({
  sides,
  rounds,
  steps,
  label,
  digits,
  measure,
  afterEach,
}) {
  const measured = [];
  for (let round = 0; round < rounds; round++) {
    const samples = Object.fromEntries(sides.map(s => [s.side, []]));
    for (let step = 0; step < steps; step++) {
      for (const side of sides) {
        samples[side.side].push(await measure(side, round, step));
        await afterEach?.();
      }
    }
    measured.push(samples);
    log(
      `${label} round ${round + 1}: ${sides
        .map(s => `${s.side} ${median(samples[s.side]).toFixed(digits)} ms`)
        .join(', ')}`,
    );
  }
  return summarize(measured);
}

/** The PostgreSQL databases of one run start with this. */
const databasePrefix = runId => `herald_ab_${runId}_`;

/**
 * Where a side of a run keeps its databases: a SQLite directory, made here,
 * and a prefix for its PostgreSQL databases, dropped with the run's.
 */
function sideDatabaseOptions({ engine, side, runId }) {
  const dir = path.join(resultsDir, 'raw', `ab-${runId}`, engine, side);
  fs.mkdirSync(dir, { recursive: true });
  return {
    sqliteDirectory: dir,
    postgresUrl,
    prefix: `${databasePrefix(runId)}${side}_`,
  };
}

async function startSide({ engine, side, root, runId }) {
  const databaseOptions = sideDatabaseOptions({ engine, side, runId });
  const dir = databaseOptions.sqliteDirectory;
  const port = await freePort();
  const configFile = path.join(dir, 'app-config.json');
  const staticToken = crypto.randomBytes(24).toString('hex');
  const baseUrl = writeConfig({
    file: configFile,
    port,
    staticToken,
    database: databaseConfig(engine, databaseOptions),
    extra: {
      notifications: {
        processors: sampleProcessors,
        maxRequestBodySize: sendBodyLimit,
      },
    },
  });
  const backend = await startBackend({
    side: 'herald',
    configFile,
    baseUrl,
    logFile: path.join(dir, 'backend.log'),
    entry: path.join(benchRoot, 'herald-backend', 'load.js'),
    resolveFrom: path.join(root, 'packages', 'backend'),
    env: { BENCH_HERALD_ROOT: root },
  });
  return {
    side,
    engine,
    runId,
    commit: describeCheckout(root),
    backend,
    databaseOptions,
    staticToken,
  };
}

/**
 * Starts a backend per checkout on `engine`, runs `compare` on them and stops
 * them, dropping the run's PostgreSQL databases. `ready` runs for each side
 * once it answers, before the comparison (seeding, sign-in).
 */
async function withSides({ engine, checkouts, runId, ready }, compare) {
  const sides = [];
  try {
    for (const { side, root } of checkouts) {
      const started = await startSide({ engine, side, root, runId });
      sides.push(started);
      await ready?.(started);
      log(`${engine} ${side} (${started.commit}) ready`);
    }
    return await compare(sides);
  } finally {
    for (const side of sides) {
      await side.backend.stop();
    }
    if (engine === 'postgres') {
      await dropPostgresDatabases(postgresUrl, databasePrefix(runId));
    }
  }
}

/** Writes `results/<name>.{json,md}`, without the machine's checkout paths. */
function writeResults(name, { startedAt, commits, settings, results }, md) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const base = path.join(resultsDir, name);
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify(
      {
        startedAt,
        commits,
        settings: { ...settings, base: undefined, newRoot: undefined },
        results,
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(`${base}.md`, md);
}

/**
 * The report: a row per engine, measured thing and round, and a last row per
 * thing over every round after the warm-up. `table` gives the title, the
 * lines that say how it ran, the first column's heading and alignment, and
 * the digits of its times.
 */
function report(all, startedAt, commits, table) {
  // A floor measured beside the two checkouts gets columns of its own.
  const withFloor = Object.values(all).some(measured =>
    Object.values(measured).some(({ afterWarmUp }) => afterWarmUp.floor),
  );
  const floorHeads = withFloor
    ? ' Floor | New / floor | New / floor, first quartile |'
    : '';
  const lines = [
    `# ${table.title}`,
    '',
    `Run ${startedAt.toISOString()} – ${new Date().toISOString()}: new ${
      commits.new
    }, base ${commits.base}.`,
    ...table.how,
    '',
    `| Database | ${table.column} | Round | New | Base | New / base | New / base, first quartile |${floorHeads}`,
    `|---|${table.align}|---:|---:|---:|---:|---:|${
      withFloor ? '---:|---:|---:|' : ''
    }`,
  ];
  const ratios = (a, b) => [
    (a.median / b.median).toFixed(2),
    (a.p25 / b.p25).toFixed(2),
  ];
  for (const [engine, measured] of Object.entries(all)) {
    for (const [what, { rounds, afterWarmUp }] of Object.entries(measured)) {
      const row = (label, sides, mark = '') => {
        const cells = [
          sides.new.median.toFixed(table.digits),
          sides.base.median.toFixed(table.digits),
          ...ratios(sides.new, sides.base),
          ...(sides.floor
            ? [
                sides.floor.median.toFixed(table.digits),
                ...ratios(sides.new, sides.floor),
              ]
            : []),
        ].map(cell => `${mark}${cell}${mark}`);
        return `| ${engine} | ${what} | ${label} | ${cells.join(' | ')} |`;
      };
      rounds.forEach((round, index) => {
        lines.push(
          row(`${index + 1}${index === 0 ? ' (warm-up)' : ''}`, round),
        );
      });
      lines.push(row(`**rounds 2–${rounds.length}**`, afterWarmUp, '**'));
    }
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * A side-by-side run from the command line. For each of `settings.engines`
 * it starts both checkouts' backends (`ready` runs on each once it answers),
 * and `compare(engine, sides)` returns `{ [what]: summarize(rounds) }`;
 * then it writes and prints the report (see {@link report} for `table`).
 */
async function runAb({ script, settings, ready, compare, table }) {
  if (!settings.base) {
    process.stderr.write(
      `usage: node scripts/${script} --base=<checkout> [--new=<checkout>]\n`,
    );
    process.exit(2);
  }
  const startedAt = new Date();
  const runId = crypto.randomBytes(4).toString('hex');
  const checkouts = [
    { side: 'new', root: path.resolve(settings.newRoot) },
    { side: 'base', root: path.resolve(settings.base) },
  ];
  const all = {};
  const commits = {};
  for (const engine of settings.engines) {
    log(`== ${engine} ==`);
    all[engine] = await withSides(
      { engine, checkouts, runId, ready },
      sides => {
        for (const side of sides) {
          commits[side.side] = side.commit;
        }
        return compare(engine, sides);
      },
    );
  }
  const markdown = report(all, startedAt, commits, table);
  writeResults(
    settings.name,
    { startedAt, commits, settings, results: all },
    markdown,
  );
  process.stdout.write(`\n${markdown}\n`);
  log(`wrote results/${settings.name}.md and .json`);
}

module.exports = { alternateRounds, runAb, sideDatabaseOptions };
