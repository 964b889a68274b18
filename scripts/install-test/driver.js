// Checks a running app that installed Herald from tarballs, as a user and as other plugins would use it:
// guest sign-in, the seed's curl with a static token (inbox, sidebar badge and snackbar update without a
// reload, email through the upstream email module), upstream scaffolder `notification:send`, and upstream
// user-settings signals. Exits non-zero when a check fails.
//
// Environment: INSTALL_TEST_APP_URL, INSTALL_TEST_BACKEND_URL, INSTALL_TEST_TOKEN (the static external
// access token), INSTALL_TEST_SMTP_PORT, INSTALL_TEST_ARTIFACTS (screenshot folder), INSTALL_TEST_LABEL,
// CHROMIUM_PATH (default /usr/bin/chromium).
const fs = require('node:fs');
const path = require('node:path');
const { launchChromium } = require('../../packages/app/e2e/harness');
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

const appUrl = requireEnv('INSTALL_TEST_APP_URL');
const backendUrl = requireEnv('INSTALL_TEST_BACKEND_URL');
const staticToken = requireEnv('INSTALL_TEST_TOKEN');
const smtpPort = Number(requireEnv('INSTALL_TEST_SMTP_PORT'));
const artifacts = requireEnv('INSTALL_TEST_ARTIFACTS');
const label = process.env.INSTALL_TEST_LABEL || 'app';

// The first page load waits for the development server's first compile.
const FIRST_LOAD_TIMEOUT_MS = 240_000;
const LIVE_UPDATE_TIMEOUT_MS = 20_000;
const EMAIL_TIMEOUT_MS = 60_000;
const SCAFFOLDER_TIMEOUT_MS = 120_000;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const results = [];
function record(name, ok, detail) {
  results.push({ name, ok, detail });
  console.log(
    `${ok ? 'PASS' : 'FAIL'} [${label}] ${name}${detail ? ` (${detail})` : ''}`,
  );
}

async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    record(
      name,
      true,
      [detail, `${Date.now() - started} ms`].filter(Boolean).join(', '),
    );
  } catch (error) {
    record(name, false, error.message.split('\n')[0]);
  }
}

async function waitFor(description, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(
    `timed out waiting for ${description}${last ? `: ${last.message}` : ''}`,
  );
}

function startSmtpSink() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(mail => {
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(smtpPort, '127.0.0.1', () => resolve({ server, messages }));
  });
}

async function api(method, url, token, body) {
  const response = await fetch(`${backendUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `${method} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`,
    );
  }
  return text ? JSON.parse(text) : undefined;
}

async function guestToken() {
  const response = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!response.ok) throw new Error(`guest refresh: HTTP ${response.status}`);
  return (await response.json()).backstageIdentity.token;
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const smtp = await startSmtpSink();
  const browser = await launchChromium();
  let shot = 0;
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  const screenshot = name =>
    page.screenshot({
      path: path.join(
        artifacts,
        `${label}-${String(++shot).padStart(2, '0')}-${name}.png`,
      ),
    });

  const framesSent = [];
  const framesReceived = [];
  page.on('websocket', socket => {
    if (!socket.url().includes('/api/signals')) return;
    socket.on('framesent', frame => framesSent.push(String(frame.payload)));
    socket.on('framereceived', frame =>
      framesReceived.push(String(frame.payload)),
    );
  });
  let documentLoads = 0;
  page.on('load', () => documentLoads++);

  const unreadBadge = async () => {
    // The count is drawn by CSS from data-count, so it is no text of the link.
    // With nothing unread the badge has no count element.
    const badge = page.locator('[data-testid="notifications-unread-badge"]');
    await badge.first().waitFor({ timeout: 5_000 });
    const count = badge.getByTestId('notifications-badge-count').first();
    if ((await count.count()) === 0) {
      return 0;
    }
    return Number((await count.getAttribute('data-count')).replace('+', ''));
  };
  /** Waits until the badge shows at least `count`, and returns what it shows. */
  const badgeAtLeast = (what, count) =>
    waitFor(what, LIVE_UPDATE_TIMEOUT_MS, async () => {
      const shown = await unreadBadge();
      return shown >= count ? shown : undefined;
    });
  const expectLive = async title => {
    await page
      .locator('table')
      .getByText(title)
      .first()
      .waitFor({ timeout: LIVE_UPDATE_TIMEOUT_MS });
  };

  try {
    await check('guest sign-in', async () => {
      await page.goto(appUrl, { timeout: FIRST_LOAD_TIMEOUT_MS });
      await page
        .getByRole('button', { name: 'Enter' })
        .click({ timeout: FIRST_LOAD_TIMEOUT_MS });
      await page
        .locator('[data-testid="notifications-unread-badge"]')
        .first()
        .waitFor({ timeout: 60_000 });
      await screenshot('signed-in');
    });

    await check('inbox page at /notifications', async () => {
      await page.goto(`${appUrl}/notifications`);
      const enter = page.getByRole('button', { name: 'Enter' });
      await Promise.race([
        page
          .locator('[data-testid="notifications-unread-badge"]')
          .first()
          .waitFor({ timeout: 60_000 }),
        enter.click({ timeout: 60_000 }),
      ]);
      await waitFor('the signals subscription to "notifications"', 30_000, () =>
        framesSent.some(
          f => f.includes('subscribe') && f.includes('"notifications"'),
        ),
      );
      await screenshot('inbox-before');
    });

    const loadsBeforeSends = documentLoads;
    const badgeBefore = await unreadBadge();
    const title = `Install test ${label} ${Date.now()}`;

    await check("seed's curl with a static token", async () => {
      await api('POST', '/api/notifications', staticToken, {
        recipients: { type: 'broadcast' },
        payload: {
          title,
          link: 'http://foo.com/bar',
          severity: 'high',
          topic: 'The topic',
        },
      });
    });
    // Checked side by side: the snackbar hides itself after 15 seconds.
    await Promise.all([
      check('notification in the inbox without a reload', () =>
        expectLive(title),
      ),
      check('notification as a snackbar', () =>
        page
          .locator('[role="alert"]', { hasText: title })
          .first()
          .waitFor({ timeout: LIVE_UPDATE_TIMEOUT_MS }),
      ),
      check('sidebar badge counts it', async () => {
        const after = await badgeAtLeast('badge to increase', badgeBefore + 1);
        return `${badgeBefore} -> ${after}`;
      }),
    ]);
    await check('delivered by a signal over the WebSocket', async () => {
      if (!framesReceived.some(f => f.includes('new_notification'))) {
        throw new Error('no new_notification frame received');
      }
    });
    await screenshot('after-curl');

    await check('upstream email module sends the broadcast', async () => {
      const mail = await waitFor(
        `an email titled "${title}"`,
        EMAIL_TIMEOUT_MS,
        () => smtp.messages.find(m => (m.subject || '').includes(title)),
      );
      return `to ${mail.to?.text}, subject "${mail.subject}"`;
    });

    const token = await guestToken();
    await check('upstream scaffolder notification:send', async () => {
      await waitFor('the test template in the catalog', 90_000, () =>
        api(
          'GET',
          '/api/catalog/entities/by-name/template/default/herald-install-test',
          token,
        ),
      );
      const badgeBeforeTask = await unreadBadge();
      const { id } = await api('POST', '/api/scaffolder/v2/tasks', token, {
        templateRef: 'template:default/herald-install-test',
        values: { title },
      });
      const task = await waitFor(
        'the scaffolder task to finish',
        SCAFFOLDER_TIMEOUT_MS,
        async () => {
          const t = await api('GET', `/api/scaffolder/v2/tasks/${id}`, token);
          return ['completed', 'failed', 'cancelled'].includes(t.status)
            ? t
            : undefined;
        },
      );
      if (task.status !== 'completed')
        throw new Error(`task ${id} ${task.status}`);
      await expectLive(`${title} (scaffolder broadcast)`);
      await expectLive(`${title} (scaffolder to guest)`);
      const after = await badgeAtLeast(
        'badge to count both',
        badgeBeforeTask + 2,
      );
      return `badge ${badgeBeforeTask} -> ${after}`;
    });
    await screenshot('after-scaffolder');

    await check(
      'upstream user-settings signal reaches the browser',
      async () => {
        // The home page reads user settings, so the upstream storage subscribes to their channel there.
        await page.getByRole('link', { name: 'Home' }).first().click();
        await waitFor(
          'the signals subscription to "user-settings"',
          30_000,
          () =>
            framesSent.some(
              f => f.includes('subscribe') && f.includes('"user-settings"'),
            ),
        );
        const key = `live-${Date.now()}`;
        await api(
          'PUT',
          `/api/user-settings/buckets/herald-install-test/keys/${key}`,
          token,
          {
            value: title,
          },
        );
        await waitFor(
          `a user-settings signal for ${key}`,
          LIVE_UPDATE_TIMEOUT_MS,
          () =>
            framesReceived.some(
              f => f.includes('"user-settings"') && f.includes(key),
            ),
        );
      },
    );

    await check('no page reload since the first send', async () => {
      if (documentLoads !== loadsBeforeSends) {
        throw new Error(`${documentLoads - loadsBeforeSends} reloads`);
      }
    });
  } finally {
    await screenshot('final').catch(() => {});
    await browser.close();
    smtp.server.close();
  }

  const failed = results.filter(r => !r.ok);
  console.log(
    `[${label}] ${results.length - failed.length}/${
      results.length
    } checks passed`,
  );
  // run.sh adds these up into the closing summary line.
  fs.appendFileSync(
    path.join(artifacts, 'results.tsv'),
    `${label}\t${results.length - failed.length}\t${failed.length}\n`,
  );
  process.exitCode = failed.length ? 1 : 0;
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
