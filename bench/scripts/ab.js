'use strict';

/*
 * What the side-by-side runners of two checkouts share (`inbox-ab.js`,
 * `send-ab.js`): a Herald backend per checkout, as the sample backend runs
 * it (the Email processor registered), each on a database of its own, and
 * the medians of each round and of every round after the warm-up.
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
const { sampleProcessors } = require('./sample-processors');
const {
  benchRoot,
  median,
  percentile,
  postgresUrl,
  resultsDir,
} = require('./runner');

/** The checkouts compared: this one (or `newRoot`) as new, `base` as base. */
function abCheckouts(newRoot, base) {
  return [
    { side: 'new', root: path.resolve(newRoot) },
    { side: 'base', root: path.resolve(base) },
  ];
}

/** Median, 10th and 90th percentile of a side's times, in ms. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = value => Math.round(value * 1000) / 1000;
  return {
    requests: sorted.length,
    median: ms(median(sorted)),
    p10: ms(percentile(sorted, 10)),
    p90: ms(percentile(sorted, 90)),
  };
}

/**
 * Each round's spread per side, and the spread of every request after the
 * warm-up round, both sides' taken alternately.
 */
function summarize(rounds) {
  const perSide = samples =>
    Object.fromEntries(
      Object.entries(samples).map(([side, ms]) => [side, spread(ms)]),
    );
  const warm = rounds.slice(1);
  return {
    rounds: rounds.map(perSide),
    afterWarmUp: perSide({
      new: warm.flatMap(round => round.new),
      base: warm.flatMap(round => round.base),
    }),
  };
}

/** The PostgreSQL databases of one run start with this. */
const databasePrefix = runId => `herald_ab_${runId}_`;

async function startSide({ engine, side, root, runId }) {
  const dir = path.join(resultsDir, 'raw', `ab-${runId}`, engine, side);
  fs.mkdirSync(dir, { recursive: true });
  const databaseOptions = {
    sqliteDirectory: dir,
    postgresUrl,
    prefix: `${databasePrefix(runId)}${side}_`,
  };
  const port = await freePort();
  const configFile = path.join(dir, 'app-config.json');
  const staticToken = crypto.randomBytes(24).toString('hex');
  const baseUrl = writeConfig({
    file: configFile,
    port,
    staticToken,
    database: databaseConfig(engine, databaseOptions),
    extra: { notifications: { processors: sampleProcessors } },
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
async function withSides({ engine, checkouts, runId, ready, log }, compare) {
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
function writeAbResults(name, { startedAt, commits, settings, results }, md) {
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

/** A report row's three cells: new, base and new / base, as medians. */
function abCells(sides, digits = 2) {
  return [
    sides.new.median.toFixed(digits),
    sides.base.median.toFixed(digits),
    (sides.new.median / sides.base.median).toFixed(2),
  ];
}

module.exports = {
  abCells,
  abCheckouts,
  summarize,
  withSides,
  writeAbResults,
};
