'use strict';

/*
 * Preloaded (`--require`) into a benchmark backend to measure how long its
 * event loop is blocked. Once a second it appends a line to the file named by
 * BENCH_LOOP_FILE with that second's largest and 99th-percentile delay; on
 * SIGUSR2 it appends a summary of everything since the previous SIGUSR2 and
 * starts over, so the runner can bracket exactly the load window. Delays are
 * in milliseconds. Never load this outside a benchmark.
 */
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { isMainThread } = require('node:worker_threads');

const file = process.env.BENCH_LOOP_FILE;
// Preloads also run in the module loader's worker thread; only the main
// thread's loop serves requests.
if (file && isMainThread) {
  const resolution = 10;
  const perSecond = monitorEventLoopDelay({ resolution });
  const window = monitorEventLoopDelay({ resolution });
  perSecond.enable();
  window.enable();
  const ms = nanoseconds => Math.round(nanoseconds / 1e4) / 100;
  const write = line => fs.appendFileSync(file, `${JSON.stringify(line)}\n`);

  const timer = setInterval(() => {
    write({
      type: 'second',
      at: Date.now(),
      max: ms(perSecond.max),
      p99: ms(perSecond.percentile(99)),
    });
    perSecond.reset();
  }, 1000);
  timer.unref();

  process.on('SIGUSR2', () => {
    write({
      type: 'window',
      at: Date.now(),
      max: ms(window.max),
      p99: ms(window.percentile(99)),
      p50: ms(window.percentile(50)),
      samples: window.count,
    });
    window.reset();
  });
}
