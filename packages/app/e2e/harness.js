/*
 * Starts what the browser tests need: a production build of the app served
 * statically, and the real sample backend on in-memory SQLite, both on free
 * ports so a developer's running instance is left alone.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { chromium } = require('playwright-core');

const appDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(appDir, '../..');
const backendDir = path.join(repoRoot, 'packages/backend');

const EXTERNAL_TOKEN = 'herald-e2e-external-token';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function writeConfig(artifactsDir, appPort, backendPort) {
  const file = path.join(artifactsDir, 'app-config.e2e.yaml');
  fs.writeFileSync(
    file,
    [
      'app:',
      `  baseUrl: http://localhost:${appPort}`,
      'backend:',
      `  baseUrl: http://localhost:${backendPort}`,
      '  listen:',
      `    port: ${backendPort}`,
      '  cors:',
      `    origin: http://localhost:${appPort}`,
      '  database:',
      '    client: better-sqlite3',
      "    connection: ':memory:'",
      '  auth:',
      '    externalAccess:',
      '      - type: static',
      '        options:',
      `          token: ${EXTERNAL_TOKEN}`,
      '          subject: external-ci',
      // The Teams and webhooks processors register (and show as settings
      // channels) only when configured; nothing listens on port 9, so their
      // deliveries just wait in the outbox.
      'notifications:',
      '  processors:',
      '    msteams:',
      '      routes:',
      '        - name: e2e',
      '          webhookUrl: http://127.0.0.1:9/teams',
      '    webhooks:',
      '      endpoints:',
      '        - id: e2e',
      '          url: http://127.0.0.1:9/hooks',
      `          secret: whsec_${Buffer.from(
        'herald e2e webhook signing key!!',
      ).toString('base64')}`,
      // Slack registers with a token; its Web API URL leads nowhere either.
      '    slack:',
      '      - token: xoxb-e2e',
      '        apiUrl: http://127.0.0.1:9/api/',
      '',
    ].join('\n'),
  );
  return file;
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function buildApp(configFile) {
  await run(
    'yarn',
    [
      'backstage-cli',
      'package',
      'build',
      '--config',
      path.join(repoRoot, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    { cwd: appDir },
  );
}

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Serves the built app; unknown paths get index.html, as a SPA needs. */
function serveApp(port) {
  const distDir = path.join(appDir, 'dist');
  const index = path.join(distDir, 'index.html');
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(distDir, path.normalize(pathname));
    if (
      !file.startsWith(distDir) ||
      !fs.existsSync(file) ||
      fs.statSync(file).isDirectory()
    ) {
      file = index;
    }
    res.writeHead(200, {
      'Content-Type':
        contentTypes[path.extname(file)] ?? 'application/octet-stream',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise(resolve =>
    server.listen(port, '127.0.0.1', () => resolve(server)),
  );
}

/**
 * Starts the sample backend with app-config.yaml, then `baseConfigs` (paths
 * relative to the repository), then `configFile`; later files win.
 */
function startBackend(configFile, logFile, options = {}) {
  const { baseConfigs = [], env = {} } = options;
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
        paths: [backendDir],
      }),
      'src/index',
      ...['app-config.yaml', ...baseConfigs].flatMap(file => [
        '--config',
        path.join(repoRoot, file),
      ]),
      '--config',
      configFile,
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  return child;
}

async function waitForBackend(backendUrl, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error('The backend exited during startup');
    }
    try {
      const response = await fetch(
        `${backendUrl}/.backstage/health/v1/readiness`,
      );
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(`The backend was not ready within ${timeoutMs} ms`);
}

/** A token of the sample's guest user, from its sign-in provider. */
async function guestToken(backendUrl) {
  const response = await fetch(`${backendUrl}/api/auth/guest/refresh`);
  if (!response.ok) {
    throw new Error(`Guest sign-in answered ${response.status}`);
  }
  return (await response.json()).backstageIdentity.token;
}

/**
 * The sample's catalog module tells the guest once that the sample component
 * is new in the catalog, when the catalog first processes it: seconds after
 * start-up, at a moment no test can foresee. Tests that count the guest's
 * unread notifications start once it has arrived.
 */
async function waitForCatalogAnnouncement(backendUrl, timeoutMs = 120_000) {
  const token = await guestToken(backendUrl);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${backendUrl}/api/notifications?topic=catalog-entity-discovered&limit=1`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (response.ok && (await response.json()).totalCount > 0) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(
    `The catalog did not announce the sample component to the guest within ${timeoutMs} ms`,
  );
}

function stopBackend(child) {
  if (child.exitCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    child.once('exit', resolve);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000).unref();
  });
}

/**
 * Headless Chromium as every browser test here drives it, the install test's
 * checks of a fresh app included, without the background traffic that slows a
 * run down. CHROMIUM_PATH chooses another binary.
 */
function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

module.exports = {
  EXTERNAL_TOKEN,
  appDir,
  repoRoot,
  buildApp,
  freePort,
  guestToken,
  launchChromium,
  serveApp,
  startBackend,
  stopBackend,
  waitForBackend,
  waitForCatalogAnnouncement,
  writeConfig,
};
