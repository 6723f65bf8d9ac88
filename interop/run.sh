#!/usr/bin/env bash
# The interop lab, from scratch: install the pinned npm packages (cache in interop/.scratch), build the
# apps, record every story with Chromium through nginx into a fresh folder, then check the manifest
# (testdata/interop/manifest.json) against those recordings with `cargo test --test interop`.
#
#   interop/run.sh                      record into interop/.scratch/recordings-<time>, then test them
#   interop/run.sh --out DIR            record into DIR (e.g. testdata/interop to refresh the committed ones)
#   interop/run.sh --apps authjs5       only these apps (comma-separated: authjs5,nextauth4,auth0v3,iron8,betterauth1,auth0v4)
#   LAB_PORT_SHIFT=100 interop/run.sh   every port of the lab moved by 100 (a second lab beside the usual one)
#   interop/run.sh --no-test            record only
#   interop/run.sh --no-live            skip the `doctor --url` stage (AUTHPEEK_INTEROP_LIVE=0 too)
#   interop/run.sh --live-only          install, build, then only the `doctor --url` stage
#   interop/run.sh --record-live DIR    keep the stage's exchanges in DIR (testdata/doctor/live to refresh)
#   interop/run.sh --port-offset N      every port + N (beside a lab already running on the defaults)
#
# Needs node >= 20 and npm, chromium, nginx with the perl module, curl: installed with apt-get when
# missing (as root), and openssl (a self-signed certificate per story); better-sqlite3 (the better-auth
# app) compiles from source with make, g++ and python3. Servers listen on 127.0.0.1 only: apps
# 3101-3106, nginx 8101-8103 (http) and 8111-8113 (https + h2), the OpenID provider 8180.
# Everything it starts is stopped on exit, on error and on Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
scratch="$here/.scratch"
apps_all="authjs5,nextauth4,auth0v3,iron8,betterauth1,auth0v4"
out="" apps="$apps_all" test=1 live="${AUTHPEEK_INTEROP_LIVE:-1}" record=1 record_live="" offset="${LAB_PORT_SHIFT:-0}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --apps) apps="$2"; shift 2 ;;
    --no-test) test=0; shift ;;
    --no-live) live=0; shift ;;
    --live-only) record=0; test=0; live=1; shift ;;
    --record-live) record_live="$2"; shift 2 ;;
    --port-offset) offset="$2"; shift 2 ;;
    *) echo "interop/run.sh: unknown argument $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out="$scratch/recordings-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$scratch/npm-cache" "$out"
out="$(cd "$out" && pwd)"
t0=$(date +%s)
say() { echo "== interop [$(( $(date +%s) - t0 ))s] $*"; }

# ---- system packages ----
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -e /usr/lib/nginx/modules/ngx_http_perl_module.so ] || need+=(libnginx-mod-http-perl)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v make >/dev/null 2>&1 || need+=(make)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  say "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  lock=(); command -v flock >/dev/null 2>&1 && lock=(flock /tmp/apt.lock)
  "${lock[@]}" apt-get update -qq
  "${lock[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
  # The package may start a system nginx on port 80; the lab runs its own.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
    systemctl stop nginx || true
  fi
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "interop/run.sh: node $(node --version) is too old: Next.js 15 and oidc-provider 9 need node >= 20" >&2
  exit 2
fi

# better-sqlite3 (the betterauth1 app) compiles against Node's own headers (its .npmrc: nodedir=/usr):
# without them node-gyp would download them, and the lab reaches no network but the npm registry.
if [[ ",$apps," == *",betterauth1,"* ]] && [ ! -e /usr/include/node/node.h ]; then
  echo "interop/run.sh: the betterauth1 app builds better-sqlite3 against /usr/include/node/node.h, which this Node lacks: install Node's headers (Debian: libnode-dev; NodeSource's nodejs ships them) or leave it out with --apps" >&2
  exit 2
fi

# ---- npm: pinned versions, lockfiles committed, cache in the scratch folder ----
install() { # <source dir> <target dir>
  local src="$1" dst="$2"
  mkdir -p "$dst"
  cp -r "$src/." "$dst/"
  local stamp; stamp="$({ cat "$src/package.json"; cat "$src/package-lock.json" 2>/dev/null || true; } | sha256sum | cut -c1-16)"
  if [ -d "$dst/node_modules" ] && [ "$(cat "$dst/.installed" 2>/dev/null)" = "$stamp" ]; then return; fi
  if [ -f "$src/package-lock.json" ]; then
    (cd "$dst" && npm ci --cache "$scratch/npm-cache" --prefer-offline --no-audit --no-fund --loglevel=error)
  else
    (cd "$dst" && npm install --cache "$scratch/npm-cache" --prefer-offline --no-audit --no-fund --loglevel=error)
    cp "$dst/package-lock.json" "$src/package-lock.json"
  fi
  echo "$stamp" >"$dst/.installed"
}
say "npm install (lab tools)"
install "$here/lab" "$scratch/tools"
IFS=, read -r -a app_list <<<"$apps"
for app in "${app_list[@]}"; do
  [ -d "$here/apps/$app" ] || { echo "interop/run.sh: no app $app (known: $apps_all)" >&2; exit 2; }
  say "npm install + next build: $app"
  install "$here/apps/$app" "$scratch/apps/$app"
  # Rebuild only when the app's sources or lockfile changed.
  src_stamp="$(cd "$here/apps/$app" && find . -type f -not -path './node_modules/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  if [ "$(cat "$scratch/apps/$app/.built" 2>/dev/null)" != "$src_stamp" ]; then
    (cd "$scratch/apps/$app" && NEXT_TELEMETRY_DISABLED=1 timeout 900 node_modules/.bin/next build >"$scratch/build-$app.log" 2>&1) || {
      tail -40 "$scratch/build-$app.log" >&2
      echo "interop/run.sh: next build of $app failed (log: $scratch/build-$app.log)" >&2
      exit 1
    }
    echo "$src_stamp" >"$scratch/apps/$app/.built"
  fi
done

lab_pid=""
cleanup() { if [ -n "$lab_pid" ] && kill -0 "$lab_pid" 2>/dev/null; then kill -TERM "$lab_pid" 2>/dev/null || true; wait "$lab_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# ---- record ----
if [ "$record" = 1 ]; then
  for app in "${app_list[@]}"; do rm -rf "${out:?}/$app"; done
  say "recording into $out"
  timeout 1200 node "$scratch/tools/lab.mjs" --out "$out" --apps "$apps" --port-offset "$offset" &
  lab_pid=$!
  wait "$lab_pid"
  lab_pid=""
  say "recorded"
fi

# ---- check ----
if [ "$test" = 1 ]; then
  say "cargo test --test interop on $out"
  (cd "$repo" && AUTHPEEK_INTEROP_DIR="$out" cargo test --test interop -- --nocapture)
fi
# ---- doctor --url against the running apps (interop/live.manifest), about 2 minutes ----
if [ "$live" = 1 ]; then
  say "doctor --url against the live apps (interop/lab/live.mjs, interop/live.manifest)"
  (cd "$repo" && cargo build --quiet --bin authpeek)
  live_args=(--authpeek "$repo/target/debug/authpeek" --source "$here" --apps "$apps" --port-offset "$offset")
  [ -z "$record_live" ] || { mkdir -p "$record_live"; live_args+=(--record "$(cd "$record_live" && pwd)"); }
  timeout 900 node "$scratch/tools/live.mjs" "${live_args[@]}" &
  lab_pid=$!
  wait "$lab_pid"
  lab_pid=""
fi
say "done in $(( $(date +%s) - t0 ))s"
