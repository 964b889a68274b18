/*
 * The backend under app-config.production.yaml: guest sign-in is off, and
 * external senders still get in with their static token. It runs a second
 * backend of its own (in-memory SQLite instead of PostgreSQL) beside the one
 * the other tests use.
 */
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');
const {
  helpers: { broadcast, expect, postNotification },
} = require('./tests');

async function withProductionBackend(check) {
  const dir = path.join(harness.appDir, 'e2e-artifacts');
  const port = await harness.freePort();
  const backendUrl = `http://localhost:${port}`;
  const configFile = path.join(dir, 'app-config.e2e-production.yaml');
  fs.writeFileSync(
    configFile,
    [
      'backend:',
      `  baseUrl: ${backendUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  database:',
      '    client: better-sqlite3',
      "    connection: ':memory:'",
      '',
    ].join('\n'),
  );
  const token = `production-e2e-${Date.now().toString(36)}`;
  const backend = harness.startBackend(
    configFile,
    path.join(dir, 'backend-production.log'),
    {
      baseConfigs: ['app-config.production.yaml'],
      env: { NODE_ENV: 'production', HERALD_EXTERNAL_TOKEN: token },
    },
  );
  try {
    await harness.waitForBackend(backendUrl, backend);
    await check({ backendUrl, token });
  } finally {
    await harness.stopBackend(backend);
  }
}

function send(backendUrl, token) {
  return postNotification(
    backendUrl,
    broadcast({ title: 'From production CI' }),
    token,
  );
}

const tests = [
  {
    name: 'the production config refuses guest sign-in and accepts the sender token',
    async run() {
      await withProductionBackend(async ({ backendUrl, token }) => {
        const guest = await fetch(`${backendUrl}/api/auth/guest/refresh`);
        expect(
          guest.status === 404,
          `guest sign-in answered ${guest.status}: ${await guest.text()}`,
        );
        const devToken = await send(backendUrl, 'herald-dev-token');
        expect(
          devToken.status === 401,
          `the development token answered ${devToken.status}`,
        );
        const sent = await send(backendUrl, token);
        expect(
          sent.ok,
          `the configured token answered ${sent.status}: ${await sent.text()}`,
        );
      });
    },
  },
];

module.exports = { tests };
