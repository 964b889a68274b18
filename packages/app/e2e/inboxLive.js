/*
 * Browser tests of how the inbox behaves live: an outage of the backend and
 * of the signals socket, opening notifications, bursts and severity. Each
 * test works in a tab of its own so the routes it installs to cut the
 * network go away with it.
 */
const {
  helpers: {
    TIMEOUT,
    badgeCount,
    expect,
    row,
    sendWithFetch,
    signInIfAsked,
    uniqueTitle,
  },
} = require('./tests');

function toGuest(payload) {
  return {
    recipients: { type: 'entity', entityRef: 'user:default/guest' },
    payload,
  };
}

function badgeOf(page) {
  return page.getByTestId('notifications-unread-badge');
}

/**
 * A tab whose notifications API and signals socket can be cut and restored,
 * as when the backend stops and comes back.
 */
async function openCuttableTab(page, appUrl) {
  const tab = await page.context().newPage();
  const state = { down: false, sockets: [] };
  await tab.routeWebSocket(/\/api\/signals/, ws => {
    if (state.down) {
      ws.close({ code: 1006 });
      return;
    }
    ws.connectToServer();
    state.sockets.push(ws);
  });
  await tab.route(/\/api\/notifications/, route =>
    state.down ? route.abort('connectionrefused') : route.continue(),
  );
  await tab.goto(`${appUrl}/notifications`);
  await signInIfAsked(tab);
  await tab
    .getByText(/Unread notifications \(\d+\)/)
    .waitFor({ timeout: TIMEOUT });
  return {
    tab,
    cut() {
      state.down = true;
      for (const ws of state.sockets.splice(0)) {
        ws.close({ code: 1006 }).catch(() => {});
      }
    },
    restore() {
      state.down = false;
    },
  };
}

async function waitUntil(check, message, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(message);
}

const tests = [
  {
    name: 'offline: the badge and title keep the count and say reconnecting, the page offers Retry, all clear by themselves',
    async run({ page, appUrl, backendUrl, shot }) {
      const { tab, cut, restore } = await openCuttableTab(page, appUrl);
      try {
        const title = uniqueTitle('Before the outage');
        await sendWithFetch(backendUrl, toGuest({ title }));
        await row(tab, title).waitFor({ timeout: TIMEOUT });
        await tab.waitForTimeout(600);
        const count = await badgeCount(tab);
        expect(count > 0, 'the badge should count the unread notification');

        cut();
        await badgeOf(tab)
          .and(tab.locator('[data-reconnecting="true"]'))
          .waitFor({ timeout: TIMEOUT });
        expect(
          (await badgeCount(tab)) === count,
          `the badge should keep ${count} while reconnecting`,
        );
        await waitUntil(
          async () =>
            (await tab.title()).startsWith(`(${count}, reconnecting) `),
          `the title should read "(${count}, reconnecting) …", it reads "${await tab.title()}"`,
        );

        // A filter change while the backend is gone keeps the page.
        await tab.locator('#notifications-filter-view').click();
        await tab
          .getByRole('option', { name: 'All', exact: true })
          .click();
        const notice = tab.getByTestId('notifications-load-failed');
        await notice.waitFor({ timeout: TIMEOUT });
        expect(
          await notice.getByRole('button', { name: 'Retry' }).isVisible(),
          'the error should offer Retry',
        );
        expect(
          await tab.getByText('Filters').isVisible(),
          'the filters should stay on the page',
        );
        expect(
          await row(tab, title).isVisible(),
          'the last loaded rows should stay on the page',
        );
        await shot(tab, 'offline');

        restore();
        await notice.waitFor({ state: 'detached', timeout: 30_000 });
        await tab
          .locator('[data-testid="notifications-unread-badge"]:not([data-reconnecting])')
          .waitFor({ timeout: 60_000 });
        await waitUntil(
          async () => (await tab.title()).startsWith(`(${count}) `),
          'the title counter should clear its reconnecting note',
          30_000,
        );
        await shot(tab, 'recovered');
      } finally {
        await tab.close();
      }
    },
  },
];

module.exports = { tests, helpers: { openCuttableTab, toGuest, waitUntil } };
