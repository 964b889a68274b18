#!/usr/bin/env bash
# Install test: packs every Herald package, installs the tarballs into fresh create-app apps, made at test time, by
# applying the root README's install steps, then type-checks, builds the backend, starts backend and frontend and checks
# the result in headless Chromium (driver.js). See README.md next to this file.
#
# Usage: scripts/install-test/run.sh [nfs-app] [legacy-app]   (both by default)
# Environment: INSTALL_TEST_WORK_DIR (scratch folder, default a new temporary one),
#              INSTALL_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432), CHROMIUM_PATH.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="${INSTALL_TEST_WORK_DIR:-$(mktemp -d -t herald-install-test.XXXXXX)}"
artifacts="$here/artifacts"
postgres="${INSTALL_TEST_POSTGRES:-postgresql://postgres@127.0.0.1:5432}"
db_prefix=install_test_
# The template the apps are made from, and the Backstage release it makes (locks/ holds the apps' yarn.lock for it).
create_app_version=0.9.2
backstage_release=1.55.0
# The framework version Herald itself is developed on, the newest when this was written.
newest_backend_defaults="^0.19.0"
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(nfs-app legacy-app)

started=$SECONDS
step() { echo "--- install test [$((SECONDS - started)) s] $*"; }

mkdir -p "$work" "$artifacts"
rm -f "$artifacts"/*
: >"$artifacts/results.tsv"
registry="$(npm config get registry | sed 's#/$##')"
export COREPACK_NPM_REGISTRY="$registry" YARN_NPM_REGISTRY_SERVER="$registry"
export COREPACK_DEFAULT_TO_LATEST=0 YARN_ENABLE_IMMUTABLE_INSTALLS=false

# Process groups of the servers started below, stopped on any exit.
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  pids=()
}
# The closing summary counts the browser checks of every app run (driver.js appends them to results.tsv); a step
# that fails before its checks counts as one failure.
summary() {
  local status=$?
  stop_all
  awk -F '\t' -v status="$status" '{ p += $2; f += $3 } END {
    if (status != 0 && f == 0) f = 1
    printf "install-test: %d passed, %d failed\n", p, f
  }' "$artifacts/results.tsv"
  exit "$status"
}
trap summary EXIT

# Runs a command quietly into a log under artifacts/, showing the log's end when it fails.
logged() {
  local name="$1"
  shift
  if ! "$@" >"$artifacts/$name.log" 2>&1; then
    tail -n 60 "$artifacts/$name.log"
    echo "failed: $* (log: $artifacts/$name.log)" >&2
    return 1
  fi
}

start_server() {
  local name="$1" dir="$2"
  shift 2
  (cd "$dir" && exec setsid "$@" >"$artifacts/$name.log" 2>&1) &
  pids+=("$!")
}

stop_server() {
  local pid="$1"
  kill -- "-$pid" 2>/dev/null || true
  while kill -0 -- "-$pid" 2>/dev/null; do sleep 0.2; done
  pids=("${pids[@]/$pid/}")
}

wait_for_url() {
  local url="$1" seconds="$2" log="$3"
  for _ in $(seq 1 "$seconds"); do
    node -e "fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url" &&
      return 0
    sleep 1
  done
  tail -n 60 "$artifacts/$log.log"
  echo "no answer from $url after $seconds s" >&2
  return 1
}

free_port() {
  node -e "const s = require('net').createServer().listen(0, () => { console.log(s.address().port); s.close(); })"
}

drop_test_databases() {
  psql "$postgres/postgres" -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${db_prefix}%'" |
    while read -r db; do psql "$postgres/postgres" -qc "DROP DATABASE \"$db\""; done
}

# Makes a fresh app the way a user does: create-app writes its template (in the same version every run), then the
# yarn.lock committed from the run that made the apps first pins every dependency, as create-app's own lock seed
# would if it were reachable from CI, and the manifests are left as create-app's install would leave them.
# backstage.json must name the Backstage release that lock belongs to.
create_app() {
  local kind="$1" dir="$2" flags=()
  [ "$kind" = legacy-app ] && flags=(--legacy)
  logged "$kind-create-app" env BACKSTAGE_APP_NAME="$kind" \
    npx --yes "@backstage/create-app@$create_app_version" "${flags[@]}" --skip-install --path "$dir"
  local release
  release="$(node -p "require(process.argv[1]).version" "$dir/backstage.json")"
  if [ "$release" != "$backstage_release" ]; then
    echo "create-app $create_app_version made a Backstage $release app, expected $backstage_release" >&2
    return 1
  fi
  cp "$here/locks/$kind.yarn.lock" "$dir/yarn.lock"
  node "$here/test-setup.js" as-installed "$dir"
}

# Starts the backend with the current app-config.local.yaml and runs the browser checks against it.
check_app() {
  local kind="$1" label="$2" dir="$3" backend_port="$4" app_port="$5" smtp_port="$6" token="$7"
  step "$label: start backend"
  start_server "$label-backend" "$dir" yarn workspace backend start
  local backend_pid="${pids[-1]}"
  wait_for_url "http://localhost:$backend_port/.backstage/health/v1/readiness" 180 "$label-backend"
  wait_for_url "http://localhost:$app_port" 300 "$kind-frontend"
  step "$label: browser checks"
  INSTALL_TEST_APP_URL="http://localhost:$app_port" \
    INSTALL_TEST_BACKEND_URL="http://localhost:$backend_port" \
    INSTALL_TEST_TOKEN="$token" INSTALL_TEST_SMTP_PORT="$smtp_port" \
    INSTALL_TEST_ARTIFACTS="$artifacts" INSTALL_TEST_LABEL="$label" \
    node "$here/driver.js"
  stop_server "$backend_pid"
}

step "pack the Herald packages (Node.js $(node --version))"
logged pack "$here/pack.sh" "$work/herald-packages"

step "Node.js 22 from the npm registry"
# shellcheck source=node22.sh
. "$here/node22.sh" "$work/node22"

for kind in "${kinds[@]}"; do
  dir="$work/$kind"
  step "$kind: create-app $create_app_version, then the README's install steps"
  rm -rf "$dir"
  create_app "$kind" "$dir"
  cp -R "$work/herald-packages" "$dir/herald-packages"
  node "$here/apply-readme.js" "$kind" "$dir"
  node "$here/test-setup.js" add-email-module "$dir"
  # The default-template app stays on the @backstage/backend-defaults 0.18 it comes with (the lowest Herald
  # supports); the legacy app moves to the newest, so both ends of the range are tested.
  if [ "$kind" = legacy-app ]; then
    node "$here/test-setup.js" backend-defaults "$dir" "$newest_backend_defaults"
  fi

  step "$kind: yarn install"
  (cd "$dir" && logged "$kind-install" yarn install)
  step "$kind: yarn tsc"
  (cd "$dir" && logged "$kind-tsc" yarn tsc)
  step "$kind: build the backend"
  (cd "$dir" && logged "$kind-build" yarn build:backend)

  backend_port="$(free_port)"
  app_port="$(free_port)"
  smtp_port="$(free_port)"
  token="$(node -p "require('crypto').randomBytes(24).toString('hex')")"
  config=(--backend-port "$backend_port" --app-port "$app_port" --smtp-port "$smtp_port" --token "$token")

  node "$here/test-setup.js" config "$dir" "${config[@]}"
  step "$kind: start frontend"
  start_server "$kind-frontend" "$dir" yarn workspace app start
  frontend_pid="${pids[-1]}"
  check_app "$kind" "$kind-sqlite" "$dir" "$backend_port" "$app_port" "$smtp_port" "$token"

  # PostgreSQL in the default template's app.
  if [ "$kind" = nfs-app ]; then
    drop_test_databases
    node "$here/test-setup.js" config "$dir" "${config[@]}" --postgres "$postgres" --db-prefix "$db_prefix"
    check_app "$kind" "$kind-postgres" "$dir" "$backend_port" "$app_port" "$smtp_port" "$token"
    drop_test_databases
  fi
  stop_server "$frontend_pid"
done

step "passed: ${kinds[*]} (screenshots and logs in $artifacts)"
