/*
 * Browser tests of triage in the inbox: done and its undo, snooze and the
 * wake-up, why a notification came (direct, group, owner), the single-key
 * shortcuts with where focus goes, and the Done / Snoozed views in the URL.
 * Each test works in a tab of its own.
 */
const {
  helpers: {
    TIMEOUT,
    chooseView,
    expect,
    row,
    sendWithFetch,
    signInIfAsked,
    uniqueTitle,
  },
} = require('./tests');
const {
  helpers: { gotoInbox, toGuest, waitUntil },
} = require('./inboxLive');

async function heading(tab, pattern) {
  await tab
    .getByRole('heading', { name: pattern })
    .waitFor({ timeout: TIMEOUT });
}

/** The guest's own token, as the app holds it, for calls the UI does not offer. */
async function guestToken(tab, backendUrl) {
  return tab.evaluate(async url => {
    const response = await fetch(
      `${url}/api/auth/guest/refresh?env=development`,
      {
        credentials: 'include',
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
    );
    return (await response.json()).backstageIdentity.token;
  }, backendUrl);
}

async function updateAsGuest(tab, backendUrl, body) {
  const token = await guestToken(tab, backendUrl);
  const response = await fetch(
    `${backendUrl}/api/notifications/notifications/update`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    },
  );
  expect(
    response.ok,
    `the update answered ${response.status}: ${await response.text()}`,
  );
}

/** The id of the notification a row shows. */
function idOf(tab, title) {
  return row(tab, title).getAttribute('data-notification-id');
}

/** Sends the guest a new notification and waits for its row; its title. */
async function sendAndShow(tab, backendUrl, prefix) {
  const title = uniqueTitle(prefix);
  await sendWithFetch(backendUrl, toGuest({ title }));
  await row(tab, title).waitFor({ timeout: TIMEOUT });
  return title;
}

/** The "why" line of the row showing `title`, once it shows one. */
async function reasonOf(tab, title) {
  const reason = row(tab, title).getByTestId('notification-reasons');
  await reason.waitFor({ timeout: TIMEOUT });
  return reason.textContent();
}

/** Runs `steps` in a tab of its own that shows the inbox, then closes it. */
async function inInboxTab(page, appUrl, query, steps) {
  const tab = await page.context().newPage();
  await gotoInbox(tab, appUrl, query);
  try {
    await steps(tab);
  } finally {
    await tab.close();
  }
}

const tests = [
  {
    name: 'done: a row marked done leaves the inbox with Undo, Undo brings it back, and Done lists it',
    async run({ page, appUrl, backendUrl, shot }) {
      await inInboxTab(page, appUrl, '', async tab => {
        const title = await sendAndShow(tab, backendUrl, 'Finish this');

        await row(tab, title).getByRole('button', { name: 'Done' }).click();
        await row(tab, title).waitFor({ state: 'detached', timeout: TIMEOUT });
        const notice = tab.getByTestId('notifications-undo-done');
        await notice
          .getByText('1 notification marked done.')
          .waitFor({ timeout: TIMEOUT });
        await shot(tab, 'done-with-undo');

        await notice.getByRole('button', { name: 'Undo' }).click();
        await row(tab, title).waitFor({ timeout: TIMEOUT });
        await shot(tab, 'undone');

        await row(tab, title).getByRole('button', { name: 'Done' }).click();
        await row(tab, title).waitFor({ state: 'detached', timeout: TIMEOUT });
        await chooseView(tab, 'Done');
        await heading(tab, /^Done notifications \(\d+\)$/);
        await row(tab, title).waitFor({ timeout: TIMEOUT });
        expect(
          new URL(tab.url()).searchParams.get('view') === 'done',
          `the Done view should be in the URL: ${tab.url()}`,
        );
        await shot(tab, 'done-view');
      });
    },
  },
  {
    name: 'snooze: a snoozed row waits under Snoozed and wakes as unread with a snackbar',
    async run({ page, appUrl, backendUrl, shot }) {
      await inInboxTab(page, appUrl, '', async tab => {
        const title = await sendAndShow(tab, backendUrl, 'Snooze me');

        await row(tab, title).getByRole('button', { name: 'Snooze' }).click();
        const menu = tab.getByRole('menu');
        await menu.waitFor({ timeout: TIMEOUT });
        await shot(tab, 'snooze-menu');
        await menu.getByRole('menuitem', { name: 'For 1 hour' }).click();
        await row(tab, title).waitFor({ state: 'detached', timeout: TIMEOUT });

        await chooseView(tab, 'Snoozed');
        await heading(tab, /^Snoozed notifications \(\d+\)$/);
        await row(tab, title)
          .getByText(/Snoozed until/)
          .waitFor({
            timeout: TIMEOUT,
          });
        await shot(tab, 'snoozed-view');

        // The UI offers an hour at least; a short snooze through the API
        // shows the wake-up within the test.
        const id = await idOf(tab, title);
        await updateAsGuest(tab, backendUrl, {
          ids: [id],
          snoozedUntil: new Date(Date.now() + 3000).toISOString(),
        });
        await chooseView(tab, 'Unread notifications');
        await heading(tab, /^Unread notifications \(\d+\)$/);
        await row(tab, title).waitFor({ timeout: 90_000 });
        await tab
          .getByRole('alert')
          .filter({ hasText: title })
          .waitFor({ timeout: TIMEOUT });
        await shot(tab, 'woken');
      });
    },
  },
  {
    name: 'reasons: a group send and a send to a component owned by the group say why, and the reason filter finds them',
    async run({ page, appUrl, backendUrl, shot }) {
      await inInboxTab(page, appUrl, '', async tab => {
        const toGroup = uniqueTitle('For the platform team');
        const toOwned = uniqueTitle('About herald');
        await sendWithFetch(backendUrl, {
          recipients: {
            type: 'entity',
            entityRef: 'group:default/platform-team',
          },
          payload: { title: toGroup },
        });
        await sendWithFetch(backendUrl, {
          recipients: { type: 'entity', entityRef: 'component:default/herald' },
          payload: { title: toOwned },
        });
        const groupText = await reasonOf(tab, toGroup);
        expect(
          groupText.includes('member of group:platform-team'),
          `the group send should say so: ${groupText}`,
        );
        const ownerText = await reasonOf(tab, toOwned);
        expect(
          ownerText.includes('owner of component:herald'),
          `the component send should name the owned component: ${ownerText}`,
        );
        await shot(tab, 'reasons');

        await tab
          .getByTestId('notifications-filter-reason')
          .getByRole('button')
          .click();
        await tab
          .getByRole('option', { name: 'As an owner', exact: true })
          .click();
        await waitUntil(
          async () => new URL(tab.url()).searchParams.get('reason') === 'owner',
          () => `the reason filter should be in the URL: ${tab.url()}`,
        );
        await row(tab, toOwned).waitFor({ timeout: TIMEOUT });
        await row(tab, toGroup).waitFor({
          state: 'detached',
          timeout: TIMEOUT,
        });
        await shot(tab, 'owner-filter');
      });
    },
  },
  {
    name: 'keyboard: j and k move, r, s and e act, focus stays on the row or moves to the next, ? shows the help, letters in the search stay letters',
    async run({ page, appUrl, backendUrl, shot }) {
      const marker = uniqueTitle('Keys');
      const titles = ['one', 'two', 'three'].map(n => `${marker} ${n}`);
      for (const title of titles) {
        await sendWithFetch(backendUrl, toGuest({ title }));
      }
      await inInboxTab(
        page,
        appUrl,
        `?q=${encodeURIComponent(marker)}`,
        async tab => {
          await heading(tab, /^Unread notifications \(3\)$/);
          // Newest first: three, two, one.
          const ids = {};
          for (const title of titles) {
            ids[title] = await idOf(tab, title);
          }
          const focusedId = () =>
            tab.evaluate(
              () =>
                document.activeElement?.closest(
                  '[data-testid="notification-row"]',
                )?.dataset.notificationId,
            );
          const focusedIs = async title =>
            waitUntil(
              async () => (await focusedId()) === ids[title],
              async () =>
                `focus should be on "${title}" (${
                  ids[title]
                }), is on ${await focusedId()}`,
            );
          await tab.locator('body').click({ position: { x: 5, y: 5 } });
          await tab.keyboard.press('j');
          await focusedIs(titles[2]);
          await tab.keyboard.press('j');
          await focusedIs(titles[1]);
          await tab.keyboard.press('k');
          await focusedIs(titles[2]);
          await tab.keyboard.press('j');
          await shot(tab, 'focused-row');

          await tab.keyboard.press('s');
          await row(tab, titles[1])
            .getByRole('button', { name: 'Undo save' })
            .waitFor({ timeout: TIMEOUT });
          await focusedIs(titles[1]);

          // Read leaves the Unread view: focus moves to the row in its place.
          await tab.keyboard.press('r');
          await row(tab, titles[1]).waitFor({
            state: 'detached',
            timeout: TIMEOUT,
          });
          await focusedIs(titles[0]);

          await tab.keyboard.press('e');
          await row(tab, titles[0]).waitFor({
            state: 'detached',
            timeout: TIMEOUT,
          });
          await focusedIs(titles[2]);
          await tab
            .getByTestId('notifications-undo-done')
            .getByRole('button', { name: 'Undo' })
            .waitFor({ timeout: TIMEOUT });

          await tab.keyboard.press('?');
          const help = tab.getByRole('dialog');
          await help
            .getByText('Keyboard shortcuts')
            .waitFor({ timeout: TIMEOUT });
          await shot(tab, 'help');
          await tab.keyboard.press('Escape');
          await help.waitFor({ state: 'detached', timeout: TIMEOUT });

          const search = tab.getByLabel('Search notifications');
          await search.fill('');
          await search.pressSequentially('jres');
          expect(
            (await search.inputValue()) === 'jres',
            'letters typed into the search should stay there',
          );
          expect(
            (await tab.getByRole('dialog').count()) === 0,
            'typing should open nothing',
          );
        },
      );
    },
  },
  {
    name: 'views in the URL: Done, Snoozed and the reason filter open from a link and follow Back',
    async run({ page, appUrl, shot }) {
      await inInboxTab(page, appUrl, '?view=snoozed', async tab => {
        await heading(tab, /^Snoozed notifications \(\d+\)$/);
        await chooseView(tab, 'Done');
        await heading(tab, /^Done notifications \(\d+\)$/);
        await tab.goBack();
        await heading(tab, /^Snoozed notifications \(\d+\)$/);
        await tab.goto(`${appUrl}/notifications?view=done&reason=group`);
        await signInIfAsked(tab);
        await heading(tab, /^Done notifications \(\d+\)$/);
        const reasonValue = await tab
          .getByTestId('notifications-filter-reason')
          .getByRole('button')
          .textContent();
        expect(
          reasonValue.includes('Through a group'),
          `the reason filter should open as linked, shows ${reasonValue}`,
        );
        await tab.reload();
        await signInIfAsked(tab);
        await heading(tab, /^Done notifications \(\d+\)$/);
        await shot(tab, 'done-by-group');
      });
    },
  },
];

module.exports = { tests };
