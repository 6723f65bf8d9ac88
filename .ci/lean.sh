#!/usr/bin/env bash
# The lean build: `cargo build --release --no-default-features` (no doctor, mcp, serve, http,
# schema) must build, still decode / check / diff / audit files, and refuse what needs a missing
# feature with one line naming it (exit 2). Prints the size of the default and the lean release
# binaries (docs/features.md records them).
#
#   .ci/lean.sh            release profile (what CI runs and the sizes are about)
#   .ci/lean.sh --debug    dev profile, for a quick local run (sizes then mean nothing)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
flag=(--release)
if [ "${1:-}" = --debug ]; then
  profile=debug
  flag=()
fi
bin=target/$profile/authpeek

cargo build "${flag[@]}" --quiet --bin authpeek
default_size=$(stat -c %s "$bin")
cargo build "${flag[@]}" --quiet --no-default-features --bin authpeek
lean_size=$(stat -c %s "$bin")
echo "lean: $profile binary sizes: default features $default_size bytes, --no-default-features $lean_size bytes"

fail=0
# expect WANT_CODES NEEDLE -- ARGS...: run the lean binary, require an exit code in WANT_CODES
# (e.g. "01") and, when NEEDLE is not empty, NEEDLE on stderr as its only line.
expect() {
  local codes=$1 needle=$2
  shift 3
  local err code
  err=$(mktemp)
  set +e
  env -i PATH="$PATH" "$bin" "$@" >/dev/null 2>"$err"
  code=$?
  set -e
  if [[ $codes != *$code* ]]; then
    echo "lean: FAIL (exit $code, want one of $codes): authpeek $*" >&2
    sed 's/^/  /' "$err" >&2
    fail=1
  elif [ -n "$needle" ] && { ! grep -qF -- "$needle" "$err" || [ "$(wc -l <"$err")" != 1 ]; }; then
    echo "lean: FAIL (stderr is not one line naming $needle): authpeek $*" >&2
    sed 's/^/  /' "$err" >&2
    fail=1
  else
    echo "lean: ok (exit $code): authpeek $*"
  fi
  rm -f "$err"
}

now=1790026911
expect 0 "" -- decode --now "$now" @testdata/check/refresh-before.txt --secret-file testdata/check/refresh-secret.txt
expect 0 "" -- decode --now "$now" --json @testdata/cookies/session.har --env-file testdata/cookies/app.env
expect 01 "" -- check --no-config --now "$now" @testdata/check/refresh-before.txt --secret-file testdata/check/refresh-secret.txt
expect 01 "" -- diff --now "$now" @testdata/diff/authjs-before.txt @testdata/diff/authjs-after.txt --secret-file testdata/diff/authjs-secret.txt
expect 01 "" -- audit --now "$now" testdata/audit/anonymous-session-leak.pos.har
expect 2 '`http` feature' -- audit --url http://127.0.0.1:9/
expect 2 '`http` feature' -- decode --now "$now" @testdata/cookies/jws-hs256.txt --jwks-url http://127.0.0.1:9/jwks.json
expect 2 '`schema` feature' -- check --no-config --now "$now" @testdata/check/refresh-before.txt --secret-file testdata/check/refresh-secret.txt --schema testdata/check/session.schema.json
expect 2 '`schema` feature' -- check --now "$now" --config testdata/check/authpeek.toml @testdata/check/refresh-before.txt --secret-file testdata/check/refresh-secret.txt
exit $fail
