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
    chooseView,
    countIn,
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

/** Opens the inbox and waits until the badge shows the loaded count. */
async function gotoInbox(tab, appUrl, query = '') {
  const firstStatus = tab.waitForResponse(
    response =>
      // The inbox's count asks with done=false&snoozed=false.
      new URL(response.url()).pathname.endsWith('/api/notifications/status') &&
      response.ok(),
    { timeout: 30_000 },
  );
  await tab.goto(`${appUrl}/notifications${query}`);
  await signInIfAsked(tab);
  await tab.getByText(/notifications \(\d+\)/).waitFor({ timeout: TIMEOUT });
  await firstStatus;
  await tab.waitForTimeout(300);
}

/** Marks everything read from the page, and waits until it has. */
async function markAllRead(tab) {
  await tab.getByRole('button', { name: 'Mark all read' }).click();
  await tab.getByRole('button', { name: 'Mark All', exact: true }).click();
  await tab
    .getByRole('heading', { name: 'Unread notifications (0)', exact: true })
    .waitFor({ timeout: 30_000 });
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
  await gotoInbox(tab, appUrl);
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

/** The next update of read state the tab sends, so no reload cuts it off. */
function markedRead(tab) {
  return tab
    .waitForResponse(
      response =>
        response.url().endsWith('/api/notifications/notifications/update') &&
        response.request().method() === 'POST',
      { timeout: TIMEOUT },
    )
    .catch(() => {
      throw new Error('opening sent no update of the read state');
    });
}

/**
 * Clicks `target` and expects the app to route to the todo page without a
 * reload (the caller set `window.__heraldNoReload` before), sending the
 * update that marks the notification read.
 */
async function expectRoutedInPlace(tab, target, reloaded) {
  const marked = markedRead(tab);
  await target.click();
  await tab.waitForURL(/\/example-todo$/, { timeout: TIMEOUT });
  await marked;
  expect(await tab.evaluate(() => window.__heraldNoReload === true), reloaded);
}

/** Waits until the Read view lists the notification. */
async function expectRead(tab, appUrl, title, how) {
  await gotoInbox(tab, appUrl, '?view=read');
  await row(tab, title)
    .waitFor({ timeout: TIMEOUT })
    .catch(() => {
      throw new Error(`${how} should have marked "${title}" read`);
    });
}

async function waitUntil(check, message, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(typeof message === 'function' ? await message() : message);
}

const tests = [
  {
    name: 'offline: the badge and title keep the count and say reconnecting, the page offers Retry, all clear by themselves',
    async run({ page, appUrl, backendUrl, shot }) {
      const { tab, cut, restore } = await openCuttableTab(page, appUrl);
      try {
        // Other modules of the sample backend notify the guest too (the
        // catalog, for one), so counts are read, never predicted.
        const title = uniqueTitle('Before the outage');
        await sendWithFetch(backendUrl, toGuest({ title }));
        await row(tab, title).waitFor({ timeout: TIMEOUT });
        await waitUntil(
          async () => (await badgeCount(tab)) > 0,
          'the badge should count the unread notification',
        );

        cut();
        await badgeOf(tab)
          .and(tab.locator('[data-reconnecting="true"]'))
          .waitFor({ timeout: TIMEOUT });
        const count = await badgeCount(tab);
        expect(count > 0, 'the badge should keep its count while reconnecting');
        await waitUntil(
          async () =>
            (await tab.title()).startsWith(`(${count}, reconnecting) `),
          async () =>
            `the title should read "(${count}, reconnecting) …", it reads "${await tab.title()}"`,
        );

        // A filter change while the backend is gone keeps the page.
        await chooseView(tab, 'All');
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
          .locator(
            '[data-testid="notifications-unread-badge"]:not([data-reconnecting])',
          )
          .waitFor({ timeout: 60_000 });
        await waitUntil(
          async () => /^\(\d+\) /.test(await tab.title()),
          async () =>
            `the title counter should drop its note, it reads "${await tab.title()}"`,
          30_000,
        );
        await shot(tab, 'recovered');
      } finally {
        await tab.close();
      }
    },
  },
  {
    name: 'open means read: title, markdown and snackbar links stay in the app without a reload, external ones open a new tab',
    async run({ page, appUrl, backendUrl, shot }) {
      const { tab } = await openCuttableTab(page, appUrl);
      const newTabs = [];
      const onPage = opened => newTabs.push(opened.url());
      page.context().on('page', onPage);
      try {
        const title = uniqueTitle('Open me');
        await sendWithFetch(
          backendUrl,
          toGuest({
            title,
            link: '/example-todo',
            metadata: {
              'backstage.io/body.markdown':
                'See [the todos](/example-todo) or [the docs](https://example.com/docs)',
            },
          }),
        );
        const opened = row(tab, title);
        await opened.waitFor({ timeout: TIMEOUT });

        const todos = opened.getByRole('link', { name: 'the todos' });
        const look = await todos.evaluate(element => {
          const style = getComputedStyle(element);
          const text = getComputedStyle(element.closest('p'));
          return {
            decoration: style.textDecorationLine,
            color: style.color,
            textColor: text.color,
          };
        });
        expect(
          look.decoration.includes('underline'),
          `markdown links should be underlined, got ${look.decoration}`,
        );
        expect(
          look.color !== look.textColor,
          `markdown links should not have the text colour ${look.textColor}`,
        );
        const docs = opened.getByRole('link', { name: /^the docs/ });
        expect(
          (await docs.getAttribute('target')) === '_blank' &&
            (await docs.getAttribute('rel')).includes('noopener'),
          'an external markdown link should open a new tab without an opener',
        );
        await shot(tab, 'markdown-links');

        await tab.evaluate(() => {
          window.__heraldNoReload = true;
        });
        await expectRoutedInPlace(
          tab,
          opened.getByRole('link', { name: title }),
          'following an in-app title reloaded the app',
        );
        await expectRead(tab, appUrl, title, 'opening the title');

        // The snackbar's Open of an in-app link navigates in place too.
        await gotoInbox(tab, appUrl);
        await tab.evaluate(() => {
          window.__heraldNoReload = true;
        });
        const snackTitle = uniqueTitle('Snack to open');
        await sendWithFetch(
          backendUrl,
          toGuest({ title: snackTitle, link: '/example-todo' }),
        );
        const snack = tab.getByRole('alert').filter({ hasText: snackTitle });
        await snack.waitFor({ timeout: TIMEOUT });
        await shot(tab, 'snackbar');
        await expectRoutedInPlace(
          tab,
          snack.getByRole('button', { name: 'Open' }),
          'the snackbar Open reloaded the app',
        );
        await expectRead(tab, appUrl, snackTitle, 'Open on its snackbar');
        expect(
          newTabs.length === 0,
          `no tab should open for in-app links, opened ${newTabs.join(', ')}`,
        );
      } finally {
        page.context().off('page', onPage);
        await tab.close();
      }
    },
  },
  {
    name: 'bursts: 500 sends end as one snackbar led by the critical one, the table follows within seconds; it follows read and scope updates',
    async run({ page, appUrl, backendUrl, shot }) {
      const { tab } = await openCuttableTab(page, appUrl);
      let sampling = false;
      let burstUnread = false;
      try {
        const heading = tab.getByRole('heading', {
          name: /^Unread notifications \(\d+\)$/,
        });
        const headingCount = async () =>
          Number((await heading.textContent()).match(/\((\d+)\)/)[1]);
        const before = await headingCount();
        const snackbars = tab.locator(
          '.notistack-SnackbarContainer [role="alert"]',
        );

        let maxVisible = 0;
        sampling = true;
        const sampler = (async () => {
          while (sampling) {
            maxVisible = Math.max(maxVisible, await snackbars.count());
            await new Promise(resolve => setTimeout(resolve, 200));
          }
        })().catch(() => {});

        // E2E_BURST lowers the count on a machine too loaded for 500.
        const total = Number(process.env.E2E_BURST ?? 500);
        const criticalAt = Math.floor(total / 2);
        const marker = uniqueTitle('Burst');
        let next = 0;
        const started = Date.now();
        const worker = async () => {
          while (next < total) {
            const index = next++;
            const body = toGuest({
              title:
                index === criticalAt
                  ? `${marker} critical`
                  : `${marker} #${index}`,
              severity: index === criticalAt ? 'critical' : 'normal',
            });
            // One retry: a backend starved of CPU may drop a connection.
            await sendWithFetch(backendUrl, body).catch(() =>
              sendWithFetch(backendUrl, body),
            );
          }
        };
        burstUnread = true;
        await Promise.all(Array.from({ length: 6 }, worker));
        const sent = Date.now();
        await waitUntil(
          async () => (await headingCount()) >= before + total,
          `the table heading should reach ${before + total}`,
          30_000,
        );
        const inStep = Date.now() - sent;
        await tab.waitForTimeout(1500);
        sampling = false;
        await sampler;
        const visible = await snackbars.count();
        // The measured figures belong in the run's output.
        // eslint-disable-next-line no-console
        console.log(
          `      ${total} sends in ${
            sent - started
          } ms; table in step ${inStep} ms after the last; ` +
            `at most ${maxVisible} snackbars visible during the burst, ${visible} after`,
        );
        await shot(tab, 'after-burst');
        // Within a second on an idle machine (the figure above); the bound
        // only tells signal-driven reloads from a table left behind, since a
        // shared CI machine has taken over a second.
        expect(
          inStep <= 3000,
          `the table caught up ${inStep} ms after the burst`,
        );
        expect(
          visible === 1,
          `${visible} snackbars are visible after the burst`,
        );
        const snack = snackbars.first();
        const text = await snack.textContent();
        const counted = Number(text.match(/(\d+) new notifications/)?.[1]);
        expect(
          counted >= total,
          `the snackbar should count the burst: ${text}`,
        );
        const firstTitle = await snack
          .getByTestId('notifications-burst-snackbar')
          .locator(':scope > div')
          .first()
          .textContent();
        expect(
          firstTitle.includes(`${marker} critical`),
          `the most severe should lead, got ${firstTitle}`,
        );
        const background = await snack.evaluate(
          element => getComputedStyle(element).backgroundColor,
        );
        expect(
          background === 'rgb(183, 28, 28)',
          `a burst with a critical notification should be red, is ${background}`,
        );

        // Read elsewhere (here: Mark all read) closes it.
        await markAllRead(tab);
        burstUnread = false;
        await waitUntil(
          async () => (await snackbars.count()) === 0,
          'the burst snackbar should close once its notifications are read',
          30_000,
        );

        // A scope update changes the open snackbar in place.
        const scope = `scope-${Date.now()}`;
        await sendWithFetch(
          backendUrl,
          toGuest({
            title: `${marker} build running`,
            scope,
            severity: 'high',
          }),
        );
        const single = snackbars.filter({ hasText: `${marker} build running` });
        await single.waitFor({ timeout: TIMEOUT });
        const highBackground = await single.evaluate(
          element => getComputedStyle(element).backgroundColor,
        );
        expect(
          highBackground === 'rgb(156, 74, 0)',
          `a high snackbar should be amber, is ${highBackground}`,
        );
        await sendWithFetch(
          backendUrl,
          toGuest({ title: `${marker} build failed`, scope, severity: 'high' }),
        );
        await snackbars
          .filter({ hasText: `${marker} build failed` })
          .waitFor({ timeout: TIMEOUT });
        expect(
          (await snackbars.count()) === 1,
          'the scope update should change the snackbar, not add one',
        );
        await shot(tab, 'scope-update');
      } finally {
        sampling = false;
        // 500 unread rows left by a failure would cap the next tests' badges
        // at 99+, where no rise can be seen.
        if (burstUnread) {
          await markAllRead(tab).catch(() => {});
        }
        await tab.close();
      }
    },
  },
  {
    name: 'views in the URL: filters, search and page size survive a reload, follow Back, and open from a link',
    async run({ page, appUrl, shot }) {
      const tab = await page.context().newPage();
      try {
        await gotoInbox(tab, appUrl);
        const query = () => new URL(tab.url()).searchParams;
        await chooseView(tab, 'All');
        await waitUntil(
          async () => query().get('view') === 'all',
          () => `the view should be in the URL: ${tab.url()}`,
        );
        await tab.getByRole('button', { name: /Rows per page/ }).click();
        await tab.getByRole('option', { name: '10', exact: true }).click();
        await waitUntil(
          async () => query().get('size') === '10',
          () => `the page size should be in the URL: ${tab.url()}`,
        );
        await tab.getByLabel('Search notifications').fill('Open me');
        await waitUntil(
          async () => query().get('q') === 'Open me',
          () => `the search should be in the URL: ${tab.url()}`,
        );

        await tab.reload();
        await signInIfAsked(tab);
        await tab
          .getByText(/^All notifications \(\d+\)$/)
          .waitFor({ timeout: TIMEOUT });
        expect(
          (await tab.getByLabel('Search notifications').inputValue()) ===
            'Open me',
          'the search should survive a reload',
        );
        expect(
          (await tab
            .getByTestId('notifications-filter-view')
            .getByRole('button')
            .textContent()) === 'All',
          'the view should survive a reload',
        );
        await shot(tab, 'reloaded');

        await tab.goBack();
        await waitUntil(
          async () => query().get('q') === null && query().get('size') === '10',
          () =>
            `Back should return to the view before the search: ${tab.url()}`,
        );
        await tab.goto(`${appUrl}/notifications?view=saved&severity=high`);
        await signInIfAsked(tab);
        await tab
          .getByText(/^Saved notifications \(\d+\)$/)
          .waitFor({ timeout: TIMEOUT });
        await shot(tab, 'linked');
      } finally {
        await tab.close();
      }
    },
  },
  {
    name: 'phone width: the count, the title counter and snackbars work with the menu closed',
    async run({ page, appUrl, backendUrl, shot }) {
      const tab = await page.context().newPage();
      try {
        await tab.setViewportSize({ width: 390, height: 844 });
        // Signed in already; the sign-in check looks for the desktop sidebar.
        await tab.goto(`${appUrl}/notifications`);
        await tab
          .getByText(/notifications \(\d+\)/)
          .waitFor({ timeout: 30_000 });
        const navBadge = tab.getByTestId('notifications-nav-badge');
        await navBadge.waitFor({ timeout: TIMEOUT });
        expect(
          (await tab.getByTestId('notifications-unread-badge').count()) === 0,
          'the sidebar item should not be mounted with the menu closed',
        );
        const countOf = () => countIn(navBadge);
        const before = await countOf();
        const title = uniqueTitle('On the phone');
        await sendWithFetch(backendUrl, toGuest({ title }));
        await tab
          .getByRole('alert')
          .filter({ hasText: title })
          .waitFor({ timeout: TIMEOUT });
        await waitUntil(
          async () => (await countOf()) > before,
          async () =>
            `the bottom bar badge should rise above ${before}, it shows ${await countOf()}`,
        );
        await waitUntil(
          async () => /^\(\d+\) /.test(await tab.title()),
          async () =>
            `the title should carry the count, it reads "${await tab.title()}"`,
        );
        await shot(tab, 'phone');
      } finally {
        await tab.close();
      }
    },
  },
];

module.exports = {
  tests,
  helpers: { gotoInbox, openCuttableTab, toGuest, waitUntil },
};
