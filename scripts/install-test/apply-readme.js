// Applies the root README's "Install into your Backstage app" steps to an app: every ```diff block that follows
// an `<!-- install-test: ... -->` marker naming the app kind is applied with `git apply`, in README order, so the
// test does what the README says and nothing else.
//
// Usage: node apply-readme.js <app-kind> <app-dir>   (app kinds: nfs-app, legacy-app)
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SECTION = '## Install into your Backstage app';
const MARKER = /^<!-- install-test: ([\w\s-]+) -->$/;

function installSteps(readme, kind) {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README has no "${SECTION}" section`);
  const rest = readme.slice(start + SECTION.length + 2);
  const end = rest.search(/^## /m);
  const lines = (end < 0 ? rest : rest.slice(0, end)).split('\n');

  const steps = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (!marker) continue;
    let open = i + 1;
    while (lines[open] === '') open++;
    if (lines[open] !== '```diff') {
      throw new Error(`README line after "${lines[i]}" is not a diff block`);
    }
    const close = lines.indexOf('```', open + 1);
    if (close < 0)
      throw new Error(`unterminated diff block after "${lines[i]}"`);
    if (marker[1].split(/\s+/).includes(kind)) {
      steps.push(`${lines.slice(open + 1, close).join('\n')}\n`);
    }
    i = close;
  }
  return steps;
}

function main() {
  const [kind, appDir] = process.argv.slice(2);
  if (!kind || !appDir) {
    throw new Error('usage: node apply-readme.js <app-kind> <app-dir>');
  }
  const readme = fs.readFileSync(
    path.join(__dirname, '..', '..', 'README.md'),
    'utf8',
  );
  const steps = installSteps(readme, kind);
  if (steps.length === 0)
    throw new Error(`README has no install steps for ${kind}`);
  for (const [index, patch] of steps.entries()) {
    const file = patch.match(/^\+\+\+ b\/(.+)$/m)?.[1];
    console.log(`README step ${index + 1}/${steps.length}: ${file}`);
    // Markdown editors drop the lone space of blank context lines; --recount and
    // --ignore-whitespace accept them as the blank lines they are.
    execFileSync('git', ['apply', '--recount', '--ignore-whitespace', '-'], {
      cwd: appDir,
      input: patch,
      stdio: ['pipe', 'inherit', 'inherit'],
    });
  }
}

main();
