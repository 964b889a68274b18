'use strict';

/*
 * Makes a checkout of another commit runnable without its own install:
 *
 *   node scripts/link-base.js <checkout>
 *
 * Copies this repository's node_modules into the checkout as hard links
 * (seconds, no extra disk). A symlink would not do: packages resolve each
 * other from their real path, so the framework would load the workspace
 * packages (and their migrations) from this repository instead. The
 * workspace packages' own links are relative (`../../plugins/x`) and so point
 * at the checkout's sources. Third-party packages are then the ones this
 * repository installed, and the two sides of a comparison differ only in the
 * project's code. Use it for commits whose runtime dependencies match the
 * current lockfile; otherwise run `yarn install` in the checkout.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

function linkBase(checkout) {
  const target = path.join(path.resolve(checkout), 'node_modules');
  if (!fs.existsSync(path.join(checkout, 'package.json'))) {
    throw new Error(`${checkout} is not a checkout of this repository`);
  }
  if (fs.existsSync(target)) {
    throw new Error(`${target} exists already`);
  }
  execFileSync('cp', ['-al', path.join(repoRoot, 'node_modules'), target]);
  return target;
}

if (require.main === module) {
  const checkout = process.argv[2];
  if (!checkout) {
    process.stderr.write('usage: node scripts/link-base.js <checkout>\n');
    process.exit(2);
  }
  process.stdout.write(`linked ${linkBase(checkout)}\n`);
}

module.exports = { linkBase };
