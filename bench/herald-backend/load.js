'use strict';

const path = require('node:path');
const { startBenchBackend } = require('../lib/start-backend');

/*
 * The load benchmark's backend: Herald as the sample backend runs it, with
 * the Email processor registered. BENCH_HERALD_ROOT picks the checkout whose
 * code runs (default: this repository), so the load runner and `inbox-ab.js`
 * can compare two commits with the same bench features.
 */
const root =
  process.env.BENCH_HERALD_ROOT ?? path.resolve(__dirname, '..', '..');

startBenchBackend({
  packageJsonPath: path.join(root, 'packages', 'backend', 'package.json'),
  pluginPackages: [
    '@herald/plugin-notifications-backend',
    '@herald/plugin-notifications-backend-module-email',
    '@herald/plugin-signals-backend',
  ],
  signalsNodePackage: '@herald/plugin-signals-node',
  notificationsNodePackage: '@herald/plugin-notifications-node',
});
