/*
 * The browser tests. Each gets the shared page (signed in by the first test)
 * and the URLs; each leaves a screenshot behind.
 */
const { execFile } = require('node:child_process');
const { EXTERNAL_TOKEN } = require('./harness');

/**
 * Sends a notification exactly like the documented curl request, with curl
 * when it is installed.
 */
function sendWithCurl(backendUrl, body) {
  const args = [
    '-sS',
    '-X',
    'POST',
    `${backendUrl}/api/notifications`,
    '-H',
    'Content-Type: application/json',
    '-H',
    `Authorization: Bearer ${EXTERNAL_TOKEN}`,
    '-d',
    JSON.stringify(body),
    '-w',
    '\n%{http_code}',
  ];
  return new Promise((resolve, reject) => {
    execFile('curl', args, (error, stdout) => {
      if (error) {
        if (error.code === 'ENOENT') {
          resolve(sendWithFetch(backendUrl, body));
          return;
        }
        reject(error);
        return;
      }
      const lines = stdout.trim().split('\n');
      const status = Number(lines.pop());
      if (status < 200 || status >= 300) {
        reject(
          new Error(
            `POST /api/notifications answered ${status}: ${lines.join('\n')}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(lines.join('\n') || 'null'));
    });
  });
}

/**
 * POSTs a send as an external caller with `token` (the configured one unless
 * given); the response, whatever its status.
 */
function postNotification(backendUrl, body, token = EXTERNAL_TOKEN) {
  return fetch(`${backendUrl}/api/notifications`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
  });
}

async function sendWithFetch(backendUrl, body) {
  const response = await postNotification(backendUrl, body);
  if (!response.ok) {
    throw new Error(
      `POST /api/notifications answered ${
        response.status
      }: ${await response.text()}`,
    );
  }
  return response.json();
}

function broadcast(payload) {
  return { recipients: { type: 'broadcast' }, payload };
}

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

const TIMEOUT = 15_000;

/** The count a badge shows; it has no count element while all is read. */
async function countIn(badgeElement) {
  const count = badgeElement.getByTestId('notifications-badge-count');
  if ((await count.count()) === 0) {
    return 0;
  }
  // Drawn by CSS from data-count, so that it is no text of the link.
  return Number((await count.getAttribute('data-count')).replace('+', ''));
}

async function badgeCount(page) {
  return countIn(page.getByTestId('notifications-unread-badge'));
}

async function waitForBadge(page, expected) {
  const deadline = Date.now() + TIMEOUT;
  let last;
  while (Date.now() < deadline) {
    last = await badgeCount(page);
    if (last === expected) {
      return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(
    `Expected the unread badge to show ${expected}, it shows ${last}`,
  );
}

/** The visible switch (its label) around a switch's input. */
function switchOf(input) {
  return input.locator('xpath=ancestor::label[1]');
}

async function waitUntilSwitch(page, label, checked, message) {
  try {
    await page.waitForFunction(
      ([text, state]) =>
        document.querySelector(`input[aria-label="${text}"]`)?.checked ===
        state,
      [label, checked],
      { timeout: TIMEOUT },
    );
  } catch {
    throw new Error(message);
  }
}

async function turnSwitchOn(page, label) {
  const input = page.getByLabel(label, { exact: true });
  await input.waitFor({ timeout: TIMEOUT });
  if (!(await input.isChecked())) {
    await switchOf(input).click();
  }
  await waitUntilSwitch(page, label, true, `${label} did not switch on again`);
}

function row(page, title) {
  return page.locator('[data-testid="notification-row"]', { hasText: title });
}

async function chooseView(page, option) {
  await page
    .getByTestId('notifications-filter-view')
    .getByRole('button')
    .click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.getByRole('listbox').waitFor({ state: 'detached' });
}

async function signInIfAsked(page) {
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page.getByRole('link', { name: 'Notifications' });
  await Promise.race([
    enter.waitFor({ timeout: 30_000 }),
    sidebar.waitFor({ timeout: 30_000 }),
  ]);
  if (await enter.isVisible()) {
    await enter.click({ timeout: TIMEOUT });
  }
  await sidebar.waitFor({ timeout: TIMEOUT });
}

/**
 * Opens the settings after a send to the guest: they list the origins of the
 * user's own notifications.
 */
async function openSettingsWithAnOrigin({ page, appUrl, backendUrl }, title) {
  await sendWithFetch(backendUrl, {
    recipients: { type: 'entity', entityRef: 'user:default/guest' },
    payload: { title: uniqueTitle(title) },
  });
  await page.goto(`${appUrl}/settings`);
  await signInIfAsked(page);
  await page.getByText('Notification settings').waitFor({ timeout: TIMEOUT });
}

/** Waits for the channel's first origin switch and checks it is on. */
async function expectChannelStartsEnabled(page, channel, message) {
  const toggle = page
    .getByLabel(new RegExp(`^${channel} notifications from `))
    .first();
  await toggle.waitFor({ timeout: TIMEOUT });
  expect(await toggle.isChecked(), message);
}

let sequence = 0;
function uniqueTitle(prefix) {
  sequence += 1;
  return `${prefix} ${Date.now().toString(36)}-${sequence}`;
}

const tests = [
  {
    name: 'signs in as guest and shows the notifications page',
    async run({ page, appUrl }) {
      await page.goto(`${appUrl}/notifications`);
      const enter = page.getByRole('button', { name: 'Enter' });
      await enter.click({ timeout: 30_000 });
      await page
        .getByRole('link', { name: 'Notifications' })
        .waitFor({ timeout: TIMEOUT });
      await page
        .getByText(/Unread notifications \(\d+\)/)
        .waitFor({ timeout: TIMEOUT });
      await page.getByText('Filters').waitFor({ timeout: TIMEOUT });
    },
  },
  {
    name: 'a notification sent with curl appears on the page and in the badge without a reload',
    async run({ page, backendUrl, state }) {
      await page
        .getByText(/Unread notifications \(\d+\)/)
        .waitFor({ timeout: TIMEOUT });
      const before = await badgeCount(page);
      const title = uniqueTitle('Title of broadcast message');
      await page.evaluate(() => {
        window.__heraldNoReload = true;
      });
      await sendWithCurl(
        backendUrl,
        broadcast({
          title,
          link: 'http://foo.com/bar',
          severity: 'high',
          topic: 'The topic',
        }),
      );
      await row(page, title).waitFor({ timeout: TIMEOUT });
      await waitForBadge(page, before + 1);
      expect(
        await page.evaluate(() => window.__heraldNoReload === true),
        'the page reloaded instead of updating live',
      );
      expect(
        (await row(page, title).getByTestId('broadcast-marker').count()) === 1,
        'the broadcast marker is missing',
      );
      const link = row(page, title).getByRole('link', { name: title });
      expect(
        (await link.getAttribute('href')) === 'http://foo.com/bar',
        'the title should link to the payload link',
      );
      state.liveTitle = title;
      state.unreadAfterSend = before + 1;
    },
  },
  {
    name: 'marking a notification read updates the badge',
    async run({ page, state }) {
      const title = state.liveTitle;
      expect(title, 'needs the notification of the previous test');
      await row(page, title)
        .getByRole('button', { name: 'Mark as read' })
        .click();
      await waitForBadge(page, state.unreadAfterSend - 1);
      await row(page, title).waitFor({ state: 'detached', timeout: TIMEOUT });
      await chooseView(page, 'Read notifications');
      await row(page, title).waitFor({ timeout: TIMEOUT });
    },
  },
  {
    name: 'a saved notification shows under Saved',
    async run({ page, backendUrl }) {
      await chooseView(page, 'Unread notifications');
      const title = uniqueTitle('Keep this one');
      await sendWithCurl(
        backendUrl,
        broadcast({ title, severity: 'normal', topic: 'Later' }),
      );
      await row(page, title).waitFor({ timeout: TIMEOUT });
      await row(page, title)
        .getByRole('button', { name: 'Save for later' })
        .click();
      await row(page, title)
        .getByRole('button', { name: 'Undo save' })
        .waitFor({ timeout: TIMEOUT });
      await chooseView(page, 'Saved');
      await page
        .getByText(/Saved notifications \(\d+\)/)
        .waitFor({ timeout: TIMEOUT });
      await row(page, title).waitFor({ timeout: TIMEOUT });
    },
  },
  {
    name: 'a settings toggle survives a reload',
    async run({ page, appUrl, backendUrl }) {
      // Settings list the origins of the user's own notifications, so the
      // guest first gets one addressed to them.
      await sendWithCurl(backendUrl, {
        recipients: { type: 'entity', entityRef: 'user:default/guest' },
        payload: {
          title: uniqueTitle('For the guest only'),
          topic: 'Deployments',
        },
      });
      await page.goto(`${appUrl}/settings`);
      await signInIfAsked(page);
      await page
        .getByText('Notification settings')
        .waitFor({ timeout: TIMEOUT });
      const toggle = page.getByLabel(/^Web notifications from /).first();
      await toggle.waitFor({ timeout: TIMEOUT });
      const label = await toggle.getAttribute('aria-label');
      expect(await toggle.isChecked(), `${label} should start enabled`);
      const saved = page.waitForResponse(
        response =>
          response.url().endsWith('/api/notifications/settings') &&
          response.request().method() === 'POST',
      );
      try {
        // The switch's input is visually hidden; a person clicks the switch.
        await switchOf(toggle).click();
        expect((await saved).ok(), 'saving the settings failed');
        // The card draws the saved settings once their body is read, which
        // can be after the response itself arrives.
        await waitUntilSwitch(
          page,
          label,
          false,
          'the toggle did not switch off',
        );

        await page.reload();
        await signInIfAsked(page);
        const reloaded = page.getByLabel(label, { exact: true });
        await reloaded.waitFor({ timeout: TIMEOUT });
        expect(
          !(await reloaded.isChecked()),
          `${label} was enabled again after a reload`,
        );
      } catch (error) {
        // Every later test sends from this origin and waits to see the
        // notification live, so it is turned back on even after a failure.
        await turnSwitchOn(page, label).catch(() => {});
        throw error;
      }
      await turnSwitchOn(page, label);
    },
  },
  {
    name: 'a markdown and HTML payload is shown harmlessly',
    async run({ page, appUrl, backendUrl }) {
      await page.goto(`${appUrl}/notifications`);
      await signInIfAsked(page);
      await page
        .getByText(/Unread notifications \(\d+\)/)
        .waitFor({ timeout: TIMEOUT });
      const dialogs = [];
      page.on('dialog', dialog => {
        dialogs.push(dialog.message());
        dialog.dismiss().catch(() => {});
      });
      const marker = uniqueTitle('Hostile');
      await sendWithCurl(
        backendUrl,
        broadcast({
          title: `${marker} <img src=x onerror="window.__pwned='title'">`,
          description: `<script>window.__pwned='description'</script><b>not bold</b>`,
          severity: 'critical',
          metadata: {
            'backstage.io/body.markdown': [
              '**Release notes** with a [safe link](https://example.com/notes)',
              'and a [trap](javascript:alert(document.domain)) and',
              '<script>window.__pwned="markdown"</script>',
              '<img src=x onerror="window.__pwned=\'markdown-img\'">',
              '<a href="javascript:alert(1)">raw anchor</a>',
            ].join('\n'),
          },
        }),
      );
      const hostile = row(page, marker);
      await hostile.waitFor({ timeout: TIMEOUT });
      await page.waitForTimeout(500);
      const findings = await hostile.evaluate(element => ({
        pwned: window.__pwned,
        scripts: element.querySelectorAll('script').length,
        images: element.querySelectorAll('img').length,
        scriptLinks: [...document.querySelectorAll('a')].filter(a =>
          a.getAttribute('href')?.trim().toLowerCase().startsWith('javascript'),
        ).length,
        bold: element.querySelector('strong')?.textContent,
        safeLink: element.querySelector('a[href="https://example.com/notes"]')
          ?.textContent,
        text: element.textContent,
      }));
      expect(
        findings.pwned === undefined,
        `a payload script ran: ${findings.pwned}`,
      );
      expect(
        dialogs.length === 0,
        `a payload opened a dialog: ${dialogs.join(', ')}`,
      );
      expect(findings.scripts === 0, 'a script element was rendered');
      expect(findings.images === 0, 'an image from the payload was rendered');
      expect(findings.scriptLinks === 0, 'a javascript: link was rendered');
      expect(
        findings.bold === 'Release notes',
        'markdown bold was not rendered',
      );
      // External links also say, to screen readers, that they open a tab.
      expect(
        findings.safeLink?.startsWith('safe link'),
        'the https link was not rendered as a link',
      );
      expect(
        findings.text.includes('trap'),
        'the unsafe link text should stay as text',
      );
      expect(
        findings.text.includes('<img src=x'),
        'the HTML title should be shown as text',
      );
    },
  },
];

module.exports = {
  tests,
  helpers: {
    TIMEOUT,
    badgeCount,
    broadcast,
    chooseView,
    countIn,
    expect,
    expectChannelStartsEnabled,
    openSettingsWithAnOrigin,
    postNotification,
    row,
    sendWithFetch,
    signInIfAsked,
    uniqueTitle,
    waitForBadge,
  },
};
