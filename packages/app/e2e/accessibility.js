/*
 * Accessibility in the browser: axe-core checks the inbox, the settings
 * page and the sidebar in the light and dark themes, on a desktop and a
 * phone-sized screen, and a test fails on any serious or critical
 * violation. Every violation found, of any impact, is printed, and each
 * state leaves a screenshot.
 */
const { default: AxeBuilder } = require('@axe-core/playwright');
const {
  helpers: { TIMEOUT, expect, sendWithFetch, uniqueTitle },
} = require('./tests');

const BLOCKING = ['serious', 'critical'];

const screens = [
  { name: 'desktop', width: 1400, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const themes = ['light', 'dark'];

function toGuest(payload) {
  return {
    recipients: { type: 'entity', entityRef: 'user:default/guest' },
    payload,
  };
}

/** A tab in the given theme and screen size, signed in through the context. */
async function openTab(page, theme, screen) {
  const tab = await page.context().newPage();
  // The app keeps the chosen theme under this key, as its theme picker does.
  await tab.addInitScript(
    id => window.localStorage.setItem('theme', id),
    theme,
  );
  await tab.setViewportSize({ width: screen.width, height: screen.height });
  return tab;
}

async function expectTheme(tab, theme) {
  await tab.waitForFunction(
    mode => document.body.getAttribute('data-theme-mode') === mode,
    theme,
    { timeout: TIMEOUT },
  );
}

function describeViolation(violation) {
  const targets = violation.nodes
    .slice(0, 4)
    .map(node => node.target.join(' '))
    .join(' | ');
  const first = violation.nodes[0]?.html.slice(0, 240) ?? '';
  return `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.length} nodes: ${targets}; first: ${first})`;
}

/**
 * Runs axe on the tab, prints what it found and fails on serious or
 * critical violations.
 */
async function audit(tab, state) {
  const results = await new AxeBuilder({ page: tab }).analyze();
  const blocking = results.violations.filter(v => BLOCKING.includes(v.impact));
  // The whole list belongs in the run's output, for the report.
  // eslint-disable-next-line no-console
  console.log(
    `      axe ${state}: ${results.passes.length} rules pass, ${
      results.violations.length
    } violated${results.violations
      .map(v => `\n        ${describeViolation(v)}`)
      .join('')}`,
  );
  expect(
    blocking.length === 0,
    `${state}: ${
      blocking.length
    } serious or critical axe violations:\n  ${blocking
      .map(describeViolation)
      .join('\n  ')}`,
  );
}

async function openInbox(tab, appUrl) {
  await tab.goto(`${appUrl}/notifications`);
  await tab.getByText(/notifications \(\d+\)/).waitFor({ timeout: 30_000 });
  // Rows are in: the audit sees titles, meta lines, actions and links.
  await tab
    .locator('[data-testid="notification-row"]')
    .first()
    .waitFor({ timeout: TIMEOUT });
}

const pages = [
  {
    name: 'inbox',
    async open(tab, { appUrl, backendUrl }) {
      await openInbox(tab, appUrl);
      // A critical snackbar on screen, so its colours are checked too.
      const title = uniqueTitle('Axe critical');
      await sendWithFetch(
        backendUrl,
        toGuest({ title, severity: 'critical', link: '/example-todo' }),
      );
      await tab
        .getByRole('alert')
        .filter({ hasText: title })
        .waitFor({ timeout: TIMEOUT });
    },
  },
  {
    name: 'settings',
    async open(tab, { appUrl }) {
      await tab.goto(`${appUrl}/settings`);
      await tab
        .getByLabel(/^Web notifications from /)
        .first()
        .waitFor({ timeout: 30_000 });
    },
  },
];

const stateTests = themes.flatMap(theme =>
  screens.flatMap(screen =>
    pages.map(target => ({
      name: `axe: the ${target.name} (with the sidebar) in the ${theme} theme on a ${screen.name} screen has no serious or critical violations`,
      async run({ page, appUrl, backendUrl, state, shot }) {
        if (!state.axeSeeded) {
          // Notifications of every kind for the rows: markdown with links,
          // a broadcast, each severity, and one addressed to the guest so
          // the settings list an origin.
          state.axeSeeded = true;
          await sendWithFetch(
            backendUrl,
            toGuest({
              title: uniqueTitle('Axe markdown'),
              description: 'See the docs.',
              topic: 'Deployments',
              severity: 'high',
              metadata: {
                'backstage.io/body.markdown':
                  'Read [the todos](/example-todo) or [the docs](https://backstage.io/docs).',
              },
            }),
          );
          await sendWithFetch(backendUrl, {
            recipients: { type: 'broadcast' },
            payload: { title: uniqueTitle('Axe broadcast'), severity: 'low' },
          });
          await sendWithFetch(
            backendUrl,
            toGuest({ title: uniqueTitle('Axe normal') }),
          );
        }
        const tab = await openTab(page, theme, screen);
        try {
          await target.open(tab, { appUrl, backendUrl });
          await expectTheme(tab, theme);
          await tab.waitForTimeout(300);
          await shot(tab, `${target.name}-${theme}-${screen.name}`);
          await audit(tab, `${target.name}, ${theme}, ${screen.width} px`);
        } finally {
          await tab.close();
        }
      },
    })),
  ),
);

const tests = [
  ...stateTests,
  ...themes.map(theme => ({
    name: `axe: the open sidebar with its badge in the ${theme} theme has no serious or critical violations`,
    async run({ page, appUrl, backendUrl, shot }) {
      const tab = await openTab(page, theme, screens[0]);
      try {
        await sendWithFetch(
          backendUrl,
          toGuest({ title: uniqueTitle('Axe badge') }),
        );
        await openInbox(tab, appUrl);
        await expectTheme(tab, theme);
        await tab
          .getByTestId('notifications-badge-count')
          .first()
          .waitFor({ timeout: TIMEOUT });
        // Hovering opens the sidebar: labels next to the icons.
        await tab.getByTestId('notifications-unread-badge').hover();
        await tab.waitForTimeout(800);
        await shot(tab, `sidebar-${theme}`);
        await audit(tab, `open sidebar, ${theme}`);
      } finally {
        await tab.close();
      }
    },
  })),
  {
    name: 'settings on a phone: the grid reflows into a list of labelled switches that fits the screen',
    async run({ page, appUrl, shot }) {
      const tab = await openTab(page, 'light', screens[1]);
      try {
        await pages[1].open(tab, { appUrl });
        const layout = tab.locator('[data-layout]');
        await tab
          .locator('[data-layout="list"]')
          .waitFor({ timeout: TIMEOUT })
          .catch(async () => {
            throw new Error(
              `the settings should be a list at 390 px, they are a ${await layout.getAttribute(
                'data-layout',
              )}`,
            );
          });
        const overflowing = await layout.evaluate(element => {
          const right = element.getBoundingClientRect().right;
          return [...element.querySelectorAll('label, h3')]
            .filter(node => node.getBoundingClientRect().right > right + 1)
            .map(node => node.textContent);
        });
        expect(
          overflowing.length === 0,
          `these settings overflow the card: ${overflowing.join(', ')}`,
        );
        // Each switch shows its channel's name beside it.
        const firstOrigin = tab.getByTestId('settings-origin').first();
        expect(
          (await firstOrigin.textContent()).includes('Web'),
          'the switches of an origin should be labelled with their channel',
        );
        await shot(tab, 'settings-phone');
        await tab.setViewportSize({ width: 1400, height: 900 });
        await tab
          .locator('[data-layout="grid"]')
          .waitFor({ timeout: TIMEOUT })
          .catch(() => {
            throw new Error('the settings should be a grid again at 1400 px');
          });
      } finally {
        await tab.close();
      }
    },
  },
];

module.exports = { tests };
