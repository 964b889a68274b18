'use strict';

/*
 * Starting and stopping the two benchmark backends: one config file per run,
 * the node process without a watcher, readiness polling and resident memory.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { sleep } = require('./runner');

const benchRoot = path.resolve(__dirname, '..');
const repoRoot = path.resolve(benchRoot, '..');

const sides = {
  herald: {
    label: 'Herald',
    entry: path.join(benchRoot, 'herald-backend', 'index.js'),
    resolveFrom: path.join(repoRoot, 'packages', 'backend'),
  },
  upstream: {
    label: 'upstream',
    entry: path.join(benchRoot, 'upstream-backend', 'src', 'index.js'),
    resolveFrom: path.join(benchRoot, 'upstream-backend'),
  },
};

function nodeTransformPath(resolveFrom) {
  for (const candidate of [
    '@backstage/cli-node/config/nodeTransform.cjs',
    '@backstage/cli/config/nodeTransform.cjs',
  ]) {
    try {
      return require.resolve(candidate, { paths: [resolveFrom] });
    } catch {
      // try the next package that ships the transform
    }
  }
  throw new Error(`no nodeTransform.cjs reachable from ${resolveFrom}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function databaseConfig(engine, { sqliteDirectory, postgresUrl, prefix }) {
  if (engine === 'sqlite') {
    return {
      client: 'better-sqlite3',
      connection: { directory: sqliteDirectory },
    };
  }
  return { client: 'pg', connection: postgresUrl, prefix };
}

// `extra` adds top-level config sections (the load benchmark's processors).
function writeConfig({ file, port, database, staticToken, extra = {} }) {
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database,
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: staticToken, subject: 'bench-sender' },
          },
        ],
      },
    },
    auth: {
      environment: 'development',
      providers: {
        guest: { dangerouslyAllowOutsideDevelopment: true },
        bench: { development: {} },
      },
    },
    catalog: { locations: [] },
    // Neither side runs the events backend; probing for its bus only adds a
    // failing HTTP call at startup.
    events: { useEventBus: 'never' },
    ...extra,
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return baseUrl;
}

function residentMemoryBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (!match) {
    throw new Error(`no VmRSS for process ${pid}`);
  }
  return Number(match[1]) * 1024;
}

/** User plus system CPU time the process used so far, in seconds. */
function cpuSeconds(pid) {
  // Fields after the parenthesised command name; utime and stime are the
  // 14th and 15th of the whole line, in clock ticks of 1/100 s on Linux.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Resolves with the milliseconds waited once each of `backends` used at most
 * `maxCoreShare` of a core over a window of `windowMs`; throws after
 * `timeoutMs`.
 */
async function waitUntilQuiet(
  backends,
  { windowMs = 10000, maxCoreShare = 0.1, timeoutMs },
) {
  const started = Date.now();
  for (;;) {
    const before = backends.map(backend => backend.cpuSeconds());
    await sleep(windowMs);
    const shares = backends.map(
      (backend, i) => (backend.cpuSeconds() - before[i]) / (windowMs / 1000),
    );
    if (shares.every(share => share <= maxCoreShare)) {
      return Date.now() - started;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `backends not quiet in ${timeoutMs} ms: ${backends
          .map((backend, i) => `${backend.side} ${shares[i].toFixed(2)}`)
          .join(', ')} of a core`,
      );
    }
  }
}

async function waitUntilReady(baseUrl, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `backend exited with ${child.exitCode}; log tail:\n${tail(logFile)}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(
    `backend not ready in ${timeoutMs} ms; log tail:\n${tail(logFile)}`,
  );
}

function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return '(no log)';
  }
}

/*
 * `entry`, `resolveFrom`, `nodeArgs` and `env` default to the side's; the
 * load benchmark passes its own entry, checkout and preload.
 */
async function startBackend({
  side,
  configFile,
  baseUrl,
  logFile,
  entry = sides[side].entry,
  resolveFrom = sides[side].resolveFrom,
  nodeArgs = [],
  env = {},
}) {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      // Lets the bench plugin collect garbage before a memory reading.
      '--expose-gc',
      ...nodeArgs,
      '--require',
      nodeTransformPath(resolveFrom),
      entry,
      '--config',
      configFile,
    ],
    {
      cwd: path.dirname(entry),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', log, log],
    },
  );
  fs.closeSync(log);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(
        `${side} backend exited unexpectedly (code ${code}, signal ${signal}); log tail:\n${tail(
          logFile,
        )}\n`,
      );
    }
  });
  await waitUntilReady(baseUrl, child, logFile, 120000);
  return {
    side,
    baseUrl,
    pid: child.pid,
    logFile,
    signal: name => child.kill(name),
    rss: () => residentMemoryBytes(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        stopping = true;
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 15000);
        child.once('exit', () => {
          clearTimeout(killTimer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

module.exports = {
  sides,
  freePort,
  databaseConfig,
  writeConfig,
  startBackend,
  waitUntilQuiet,
};
