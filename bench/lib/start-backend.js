'use strict';

const { createRequire } = require('node:module');
const { createBenchFeatures } = require('./bench-features');

/*
 * Starts a backend with the same plugin set on both sides: auth (guest and the
 * bench provider), catalog, notifications and signals. `packageJsonPath` picks
 * whose node_modules everything is loaded from; `pluginPackages` names the
 * notifications and signals backends to add.
 */
function startBenchBackend({
  packageJsonPath,
  pluginPackages,
  signalsNodePackage,
  notificationsNodePackage,
}) {
  const req = createRequire(packageJsonPath);
  const { createBackend } = req('@backstage/backend-defaults');
  const backend = createBackend();
  const add = name => backend.add(req(name).default);
  add('@backstage/plugin-auth-backend');
  add('@backstage/plugin-auth-backend-module-guest-provider');
  add('@backstage/plugin-catalog-backend');
  for (const name of pluginPackages) {
    add(name);
  }
  for (const feature of createBenchFeatures(req, {
    signalsNodePackage,
    notificationsNodePackage,
  })) {
    backend.add(feature);
  }
  backend.start();
}

module.exports = { startBenchBackend };
