'use strict';

const path = require('node:path');
const { startBenchBackend } = require('../lib/start-backend');

// Everything loads through the sample backend's package, so this runs exactly
// the Herald code and framework versions the repository ships.
startBenchBackend({
  packageJsonPath: path.resolve(
    __dirname,
    '..',
    '..',
    'packages',
    'backend',
    'package.json',
  ),
  // The Email processor as the sample backend registers it, unless the run
  // measures Herald without it (`--without-email`).
  pluginPackages: [
    '@herald/plugin-notifications-backend',
    ...(process.env.HERALD_BENCH_WITHOUT_EMAIL
      ? []
      : ['@herald/plugin-notifications-backend-module-email']),
    '@herald/plugin-signals-backend',
  ],
  signalsNodePackage: '@herald/plugin-signals-node',
  notificationsNodePackage: '@herald/plugin-notifications-node',
});
