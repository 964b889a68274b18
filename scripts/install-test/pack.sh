#!/usr/bin/env bash
# Builds every publishable Herald package and packs it as <out-dir>/<name without @herald/>.tgz,
# e.g. plugin-notifications.tgz. The names carry no version so that an app's `resolutions` keep working
# when the tarballs are rebuilt.
#
# Usage: scripts/install-test/pack.sh <out-dir>
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <out-dir>" >&2
  exit 2
fi
mkdir -p "$1"
out_dir="$(cd "$1" && pwd)"
cd "$(dirname "$0")/../.."

# The packages' .d.ts files are made from the type check's output.
yarn tsc
yarn backstage-cli repo build

# prepack rewrites each package.json to point at dist; postpack restores it. Packing runs one
# workspace at a time: every `yarn pack` reads all manifests of the project, and Yarn takes a
# manifest that a parallel prepack has just truncated for `{}`, a workspace without a name, and
# fails with "No local workspace found for this range".
yarn workspaces foreach --all --no-private pack --out "$out_dir/%s.tgz"
for tarball in "$out_dir"/@herald-*.tgz; do
  mv "$tarball" "$out_dir/$(basename "$tarball" | sed 's/^@herald-//')"
done

# What a registry would get: manifests pointing at the build output, with no workspace ranges left.
for tarball in "$out_dir"/*.tgz; do
  tar -xzOf "$tarball" package/package.json | node -e '
    const manifest = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const problems = [];
    if (!/^\.?\/?dist\//.test(manifest.main ?? "")) problems.push(`main is ${manifest.main}`);
    if (!/^\.?\/?dist\//.test(manifest.types ?? "")) problems.push(`types is ${manifest.types}`);
    if (JSON.stringify(manifest).includes("workspace:")) problems.push("a workspace: range is left");
    if (problems.length) {
      console.error(`${process.argv[1]}: ${problems.join(", ")}`);
      process.exit(1);
    }' "$(basename "$tarball")"
done
echo "packed $(ls "$out_dir"/*.tgz | wc -l) packages into $out_dir"
