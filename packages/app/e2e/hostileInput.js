/*
 * Browser tests with hostile payloads: links that a browser reads as another
 * host, and titles that broke text handling. They run after the
 * notifications tests (tests.js), on the page those signed in.
 */
const {
  helpers: {
    TIMEOUT,
    badgeCount,
    broadcast,
    expect,
    postNotification,
    row,
    sendWithFetch,
    signInIfAsked,
    uniqueTitle,
    waitForBadge,
  },
} = require('./tests');

const EVIL_HOST = 'evil.test';

/** Links a browser follows to EVIL_HOST although they look like app paths. */
const DISGUISED_LINKS = [
  `/\t/${EVIL_HOST}/x`,
  `/\n/${EVIL_HOST}/x`,
  `/\r\n/${EVIL_HOST}/x`,
  `/\\${EVIL_HOST}/x`,
  `\t//${EVIL_HOST}/x`,
  `//${EVIL_HOST}/x`,
];

async function post(backendUrl, body) {
  const response = await postNotification(backendUrl, body);
  return { status: response.status, text: await response.text() };
}

function snackbar(page, text) {
  return page.locator('[role="alert"]', { hasText: text });
}

async function openInbox(page, appUrl) {
  await page.goto(`${appUrl}/notifications`);
  await signInIfAsked(page);
  await page
    .getByText(/Unread notifications \(\d+\)/)
    .waitFor({ timeout: TIMEOUT });
}

/** Records (and blocks) every request that would reach EVIL_HOST. */
async function watchEvilHost(context) {
  const requests = [];
  await context.route(
    url => url.hostname === EVIL_HOST,
    route => {
      requests.push(route.request().url());
      return route.abort();
    },
  );
  return requests;
}

/**
 * Rows stored before links were checked may still hold a disguised link. The
 * server now refuses them, so the page is shown one: every answer of the
 * notifications API and every signal frame has `placeholder` replaced by
 * `hostile`.
 */
async function serveStoredLink(page, placeholder, hostile) {
  const from = JSON.stringify(placeholder);
  const to = JSON.stringify(hostile);
  const rewritten = { http: 0, signals: 0 };
  await page.route(/\/api\/notifications\/notifications/, async route => {
    const response = await route.fetch();
    const body = await response.text();
    if (body.includes(from)) {
      rewritten.http += 1;
    }
    await route.fulfill({ response, body: body.split(from).join(to) });
  });
  await page.routeWebSocket(/\/api\/signals/, ws => {
    const server = ws.connectToServer();
    ws.onMessage(message => server.send(message));
    server.onMessage(message => {
      if (typeof message === 'string' && message.includes(from)) {
        rewritten.signals += 1;
        ws.send(message.split(from).join(to));
        return;
      }
      ws.send(message);
    });
  });
  return rewritten;
}

const tests = [
  {
    name: 'the server refuses links that a browser would take to another host',
    async run({ backendUrl }) {
      for (const link of DISGUISED_LINKS) {
        const { status, text } = await post(
          backendUrl,
          broadcast({ title: uniqueTitle('Disguised link'), link }),
        );
        expect(
          status === 400 && /Invalid link provided/.test(text),
          `${JSON.stringify(link)} answered ${status}: ${text}`,
        );
      }
      const scriptLink = ['java', '\tscript:alert(1)'].join('');
      const { status } = await post(
        backendUrl,
        broadcast({ title: uniqueTitle('Script link'), link: scriptLink }),
      );
      expect(status === 400, `a tabbed javascript: link answered ${status}`);
    },
  },
  {
    name: 'a stored disguised link never leaves the app, from the inbox or the snackbar',
    async run({ page, appUrl, backendUrl }) {
      const appOrigin = new URL(appUrl).origin;
      const placeholder = `/e2e-stored-link-${Date.now().toString(36)}`;
      const hostile = DISGUISED_LINKS[0];
      const evilRequests = await watchEvilHost(page.context());
      const rewritten = await serveStoredLink(page, placeholder, hostile);
      try {
        await openInbox(page, appUrl);
        await page.waitForTimeout(1000);
        const title = uniqueTitle('Stored disguised link');
        await sendWithFetch(
          backendUrl,
          broadcast({ title, link: placeholder }),
        );

        const inboxRow = row(page, title);
        await inboxRow.waitFor({ timeout: TIMEOUT });
        const toast = snackbar(page, title);
        await toast.waitFor({ timeout: TIMEOUT });
        expect(
          rewritten.http > 0 && rewritten.signals > 0,
          `the hostile link did not reach the page (${JSON.stringify(
            rewritten,
          )})`,
        );

        expect(
          (await inboxRow.getByRole('link', { name: title }).count()) === 0,
          'the title with a disguised link is rendered as a link',
        );
        const hrefs = await inboxRow.evaluate(element =>
          [...element.querySelectorAll('a[href]')].map(a => a.href),
        );
        expect(
          hrefs.every(href => new URL(href).hostname !== 'evil.test'),
          `a link in the row leads away: ${hrefs.join(', ')}`,
        );
        await inboxRow.getByText(title).click();
        await page.waitForTimeout(1000);
        expect(
          new URL(page.url()).origin === appOrigin,
          `clicking the title left the app for ${page.url()}`,
        );

        // A link that is not safe to follow is no link: Open goes to the
        // notification's row in the inbox, inside the app, without a tab.
        const opened = [];
        const onPage = tab => opened.push(tab.url());
        page.context().on('page', onPage);
        await toast.getByRole('button', { name: 'Open' }).click();
        await page.waitForTimeout(1000);
        page.context().off('page', onPage);
        expect(
          opened.length === 0,
          `the snackbar opened a tab: ${opened.join(', ')}`,
        );
        expect(
          new URL(page.url()).origin === appOrigin,
          `the snackbar navigated the app to ${page.url()}`,
        );
        expect(
          evilRequests.length === 0,
          `the browser asked ${EVIL_HOST}: ${evilRequests.join(', ')}`,
        );
      } finally {
        await page.unrouteAll({ behavior: 'ignoreErrors' });
        await page.context().unrouteAll({ behavior: 'ignoreErrors' });
      }
    },
  },
  {
    name: 'a title with a bad code point and a lone surrogate leaves the app up',
    async run({ page, appUrl, backendUrl }) {
      const pageErrors = [];
      const onError = error => pageErrors.push(error.message);
      page.on('pageerror', onError);
      try {
        // A fresh page, so the socket is no longer the rewritten one.
        await openInbox(page, appUrl);
        await page.waitForTimeout(1000);
        const before = await badgeCount(page);
        const marker = uniqueTitle('Bad code point');
        await sendWithFetch(
          backendUrl,
          broadcast({
            title: `${marker} &#x110000; \uD800 end`,
            description: 'Also here: &#x110000; \uDC00',
            severity: 'high',
          }),
        );
        const toast = snackbar(page, marker);
        await toast.waitFor({ timeout: TIMEOUT });
        expect(
          (await toast.textContent()).includes('\uFFFD'),
          'the snackbar should show U+FFFD for the bad characters',
        );
        await row(page, marker).waitFor({ timeout: TIMEOUT });
        await waitForBadge(page, before + 1);

        const next = uniqueTitle('After the bad one');
        await sendWithFetch(backendUrl, broadcast({ title: next }));
        await row(page, next).waitFor({ timeout: TIMEOUT });
        await snackbar(page, next).waitFor({ timeout: TIMEOUT });
        await waitForBadge(page, before + 2);
        await page.getByText('Filters').waitFor({ timeout: TIMEOUT });
        await page
          .getByRole('link', { name: 'Notifications' })
          .waitFor({ timeout: TIMEOUT });
        expect(
          (await page
            .getByText('This notification could not be shown')
            .count()) === 0,
          'a notification fell back to the placeholder',
        );
        expect(
          pageErrors.length === 0,
          `the page threw: ${pageErrors.join('; ')}`,
        );
      } finally {
        page.off('pageerror', onError);
      }
    },
  },
];

module.exports = { tests };
