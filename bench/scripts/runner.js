'use strict';

/*
 * What the bench's runners share: where results go, the PostgreSQL server
 * they use, their `--name=value` options, their timestamped log lines, and
 * the median and percentiles they report.
 */
const path = require('node:path');

const benchRoot = path.resolve(__dirname, '..');
const repoRoot = path.resolve(benchRoot, '..');
const resultsDir = path.join(benchRoot, 'results');
const rawDir = path.join(resultsDir, 'raw');
/** The PostgreSQL server the runners create their databases on. */
const postgresUrl =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** The value of `--name=value` on the command line, or `fallback`. */
function option(name, fallback) {
  const prefix = `--${name}=`;
  const arg = process.argv.slice(2).find(a => a.startsWith(prefix));
  return arg === undefined ? fallback : arg.slice(prefix.length);
}

function log(message) {
  process.stdout.write(
    `[${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );
}

/** Resolves after `ms` milliseconds. */
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank `p`th percentile of ascending `sorted`. */
function percentile(sorted, p) {
  if (sorted.length === 0) {
    return undefined;
  }
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

module.exports = {
  benchRoot,
  log,
  median,
  option,
  percentile,
  postgresUrl,
  rawDir,
  repoRoot,
  resultsDir,
  sleep,
};
