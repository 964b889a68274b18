'use strict';

/*
 * Which commit a checkout of this repository holds, for the runners that
 * compare two checkouts (`load.js`, `inbox-ab.js`).
 */
const { execFileSync } = require('node:child_process');

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** The checkout's short commit, marked when its plugins or packages have uncommitted changes. */
function describeCheckout(root) {
  try {
    const commit = git(root, 'rev-parse', '--short', 'HEAD');
    const dirty = git(
      root,
      'status',
      '--porcelain',
      '--',
      'plugins',
      'packages',
    );
    return dirty ? `${commit} + uncommitted changes` : commit;
  } catch {
    return 'unknown commit';
  }
}

module.exports = { describeCheckout };
