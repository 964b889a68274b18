#!/usr/bin/env node
/* eslint-disable no-console */
/*
 * Browser tests of the sample app against the real sample backend.
 *
 *   yarn workspace app e2e
 *
 * Builds the app, serves it, starts the backend on in-memory SQLite (free
 * ports, its own config), drives Chromium through the tests, saves a
 * screenshot per test under e2e-artifacts/ and ends with "N passed, N failed".
 * Set CHROMIUM_PATH to use another Chromium binary, and E2E_ONLY to a
 * regular expression to run only the tests whose names match it (the first
 * test, which signs in, always runs).
 */
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');

/**
 * Every module in this folder besides the runner and the harness exports
 * `tests`; the notifications tests (tests.js) run first because they sign in.
 */
function loadTests() {
  const others = fs
    .readdirSync(__dirname)
    .filter(file => file.endsWith('.js'))
    .filter(file => !['run.js', 'harness.js', 'tests.js'].includes(file))
    .sort();
  const all = ['tests.js', ...others].flatMap(
    file => require(path.join(__dirname, file)).tests,
  );
  const only = process.env.E2E_ONLY && new RegExp(process.env.E2E_ONLY, 'i');
  return only
    ? all.filter((test, index) => index === 0 || only.test(test.name))
    : all;
}

const artifactsDir = path.join(harness.appDir, 'e2e-artifacts');

function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

async function main() {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const appPort = await harness.freePort();
  const backendPort = await harness.freePort();
  const appUrl = `http://localhost:${appPort}`;
  const backendUrl = `http://localhost:${backendPort}`;
  const configFile = harness.writeConfig(artifactsDir, appPort, backendPort);

  console.log(`Building the app for ${appUrl} (backend ${backendUrl})`);
  await harness.buildApp(configFile);

  const backendLog = path.join(artifactsDir, 'backend.log');
  const backend = harness.startBackend(configFile, backendLog);
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    await harness.waitForBackend(backendUrl, backend);
    await harness.waitForCatalogAnnouncement(backendUrl);
    server = await harness.serveApp(appPort);
    browser = await harness.launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', error => consoleErrors.push(error.message));
    const state = {};
    const tests = loadTests();

    for (const [index, test] of tests.entries()) {
      const started = Date.now();
      const screenshot = path.join(
        artifactsDir,
        `${String(index + 1).padStart(2, '0')}-${slug(test.name)}.png`,
      );
      // For tests that record more than one state: extra screenshots named
      // after the test's own.
      const shot = (target, name) =>
        target.screenshot({
          path: screenshot.replace(/\.png$/, `-${slug(name)}.png`),
          fullPage: true,
        });
      try {
        await test.run({ page, appUrl, backendUrl, state, shot });
        passed += 1;
        console.log(`  ✓ ${test.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        console.log(`  ✗ ${test.name}\n      ${error.stack ?? error}`);
      }
      await page
        .screenshot({ path: screenshot, fullPage: true })
        .catch(error => console.log(`      (no screenshot: ${error.message})`));
    }
    if (consoleErrors.length > 0) {
      console.log(`Uncaught page errors:\n  ${consoleErrors.join('\n  ')}`);
    }
  } catch (error) {
    failed += 1;
    console.log(`The test setup failed: ${error.stack ?? error}`);
    console.log(`Backend log: ${backendLog}`);
  } finally {
    await browser?.close().catch(() => {});
    server?.close();
    await harness.stopBackend(backend);
  }
  console.log(
    `Screenshots in ${path.relative(process.cwd(), artifactsDir) || '.'}`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch(error => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
