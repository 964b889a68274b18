'use strict';

const path = require('node:path');
const { startBenchBackend } = require('../../lib/start-backend');

// The bench folder sits inside the Herald repository; refuse to start if any
// package would silently resolve from the repository's own node_modules.
const benchRoot = path.resolve(__dirname, '../..');
const pluginPackages = [
  '@backstage/plugin-notifications-backend',
  '@backstage/plugin-signals-backend',
];
const signalsNodePackage = '@backstage/plugin-signals-node';
const notificationsNodePackage = '@backstage/plugin-notifications-node';
for (const name of [
  '@backstage/backend-defaults',
  signalsNodePackage,
  notificationsNodePackage,
  ...pluginPackages,
]) {
  const resolved = require.resolve(name, { paths: [__dirname] });
  if (!resolved.startsWith(benchRoot + path.sep)) {
    throw new Error(`${name} resolved outside the bench project: ${resolved}`);
  }
}

startBenchBackend({
  packageJsonPath: path.join(__dirname, '..', 'package.json'),
  pluginPackages,
  signalsNodePackage,
  notificationsNodePackage,
});
