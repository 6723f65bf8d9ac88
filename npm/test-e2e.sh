#!/usr/bin/env bash
# npm/test-e2e.sh: the npm distribution end to end, offline. Packs this machine's release binary
# and the main package (npm/pack.sh), installs both tarballs into a scratch project with no
# registry reachable, and runs authpeek through npx and through the launcher: --version, a decode
# of a testdata cookie, exit codes 1 and 2, signal forwarding, and the error when the platform
# package is missing. Ends with "e2e: N passed, N failed"; exits 1 if any check failed.
#
# Usage: npm/test-e2e.sh [TARBALL_DIR]   (reuses the tarballs in TARBALL_DIR if given)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/     | /'; }

# --- the tarballs
if [ $# -ge 1 ]; then
  tarballs=$(cd "$1" && pwd)
else
  tarballs="$scratch/tarballs"
  "$root/npm/pack.sh" "$tarballs" >/dev/null
fi
version=$(node -p 'require(process.argv[1]).version' "$root/npm/authpeek/package.json")
host_target=$(node "$root/npm/targets.mjs" host)
read -r platform_id _ <<<"$host_target"
main_tgz="$tarballs/authpeek-$version.tgz"
platform_tgz="$tarballs/authpeek-cli-$platform_id-$version.tgz"
for f in "$main_tgz" "$platform_tgz"; do
  if [ ! -f "$f" ]; then
    echo "npm/test-e2e.sh: error: $f was not packed; run npm/pack.sh OUT_DIR first" >&2
    exit 2
  fi
done

# --- offline install: an empty npm cache and a registry address nothing listens on, so any
# attempt to reach a registry fails instead of passing by luck.
project="$scratch/project"
mkdir -p "$project"
cd "$project"
export npm_config_cache="$scratch/npm-cache" npm_config_registry="http://127.0.0.1:9/"
export npm_config_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# An npm script as a project would have one (the README's "check:session").
node -e '
  const [root] = process.argv.slice(1);
  const script = `authpeek check --now 1790026911 --config ${JSON.stringify(root + "/testdata/check/authpeek.toml")}`;
  require("fs").writeFileSync("package.json", JSON.stringify({ name: "e2e", private: true, scripts: { "check:session": script } }, null, 2));
' "$root"
if out=$(npm install --no-save "$main_tgz" "$platform_tgz" 2>&1); then
  pass "npm install (offline) of $(basename "$main_tgz") and $(basename "$platform_tgz")"
else
  fail "npm install (offline)" "$out"
  echo "e2e: $passed passed, $failed failed"
  exit 1
fi
for p in "node_modules/authpeek/package.json" "node_modules/@authpeek/cli-$platform_id/package.json"; do
  if [ -f "$p" ]; then pass "installed $p"; else fail "installed $p" "$(find node_modules -maxdepth 3 | head -40)"; fi
done

# check NAME EXPECTED_CODE PATTERN CMD...: run CMD, want its exit code and PATTERN (grep -E) in stdout+stderr.
check() {
  local name=$1 want=$2 pattern=$3
  shift 3
  local out code=0
  out=$(timeout 120 "$@" 2>&1 </dev/null) || code=$?
  if [ "$code" != "$want" ]; then
    fail "$name: exit $code, want $want" "$out"
  elif ! grep -Eq -- "$pattern" <<<"$out"; then
    fail "$name: output lacks /$pattern/" "$out"
  else
    pass "$name (exit $code)"
  fi
}

secret=$(cat "$root/testdata/cookies/authjs-secret.txt")
cookies="$root/testdata/cookies"
check "npx authpeek --version" 0 "^authpeek $version\$" npx authpeek --version
check "npx authpeek decode (secret from AUTH_SECRET)" 0 'status +OK' \
  env AUTH_SECRET="$secret" npx authpeek decode --now 1790000000 "@$cookies/authjs-session.txt"
check "decode --json through npx" 0 '"email": "rupert.okafor1@mail.example.net"' \
  env AUTH_SECRET="$secret" npx authpeek decode --json --now 1790000000 "@$cookies/authjs-session.txt"
check "a found problem exits 1 (salt mismatch behind a proxy)" 1 'SALT_MISMATCH' \
  env AUTH_SECRET="$secret" npx authpeek decode --now 1790000000 "@$cookies/behind-proxy.txt"
check "a usage error exits 2" 2 'unexpected argument' npx authpeek decode --no-such-flag
check "unusable input exits 2" 2 'authpeek: error:' npx authpeek decode "@$cookies/no-such-file.txt"
check "stdin reaches the binary" 0 'status +OK' \
  sh -c 'AUTH_SECRET="$1" npx authpeek decode --now 1790000000 <"$2"' sh "$secret" "$cookies/authjs-session.txt"
check_secret=$(cat "$root/testdata/check/refresh-secret.txt")
check "an npm script: check passes (exit 0)" 0 '^PASS ' \
  env AUTH_SECRET="$check_secret" npm run --silent check:session -- "@$root/testdata/check/refresh-before.txt"
check "an npm script: check fails (exit 1)" 1 '^FAIL ' \
  env AUTH_SECRET="$check_secret" npm run --silent check:session -- "@$root/testdata/check/refresh-after.txt"

# Signals: SIGTERM to the launcher reaches the binary (blocked reading a silent stdin), and the
# launcher ends by the same signal (status 143).
launcher="$project/node_modules/.bin/authpeek"
mkfifo "$scratch/stdin"
exec 3<>"$scratch/stdin" # held open: the binary waits for input
"$launcher" decode <&3 >/dev/null 2>&1 &
launcher_pid=$!
binary_pid=""
for _ in $(seq 100); do
  binary_pid=$(pgrep -P "$launcher_pid" -x authpeek || true)
  [ -z "$binary_pid" ] || break
  sleep 0.1
done
if [ -z "$binary_pid" ]; then
  fail "signal forwarding: the launcher started no authpeek process"
  kill "$launcher_pid" 2>/dev/null || true
else
  # A watchdog, so that a launcher that ignores the signal fails the check instead of hanging it.
  (trap 'exit 0' TERM; sleep 10 & wait $!; kill -KILL "$launcher_pid" "$binary_pid" 2>/dev/null) &
  watchdog=$!
  kill -TERM "$launcher_pid"
  code=0
  wait "$launcher_pid" || code=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  [ "$code" != 137 ] || code=timeout # SIGKILL: the watchdog's
  sleep 0.2
  if [ "$code" = timeout ]; then
    fail "signal forwarding: the launcher still ran 10 s after SIGTERM"
  elif [ "$code" != 143 ]; then
    fail "signal forwarding: launcher exit status $code, want 143 (SIGTERM)"
  elif kill -0 "$binary_pid" 2>/dev/null; then
    fail "signal forwarding: the binary (pid $binary_pid) outlived the launcher"
    kill "$binary_pid" || true
  else
    pass "SIGTERM to the launcher ends the binary, status 143"
  fi
fi
exec 3>&-

# The platform package missing (an install with --omit=optional): one clear line, exit 2.
mv "node_modules/@authpeek/cli-$platform_id" "$scratch/moved-away"
check "no platform package: clear error" 2 "^authpeek: error: @authpeek/cli-$platform_id, the package with the binary for .* is not installed; install authpeek with optional dependencies" \
  npx authpeek --version
mv "$scratch/moved-away" "node_modules/@authpeek/cli-$platform_id"

echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
