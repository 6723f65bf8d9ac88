#!/usr/bin/env bash
# Golden comparison: a baseline binary and the current one, run over every file in testdata/ in
# every mode, must give identical stdout, stderr and exit codes. The safety net for refactors
# that must not change behaviour (issue 16: one table moved per commit, each with an empty diff).
#
#   bench/golden.sh [BASE]      BASE: a commit (default: the merge-base of HEAD and main)
#
# 1. builds BASE in a temporary `git worktree` (removed afterwards) with its own target dir,
#    target/golden/target (incremental: later runs rebuild only what changed), and keeps the
#    binary as target/golden/bin/<commit>/authpeek (a second run with the same BASE builds nothing;
#    only the latest baseline is kept);
# 2. builds the working tree (`cargo build`, target/debug/authpeek);
# 3. bench/golden.py runs both over the cases: every testdata/ file through decode (human, --json,
#    with and without the secrets beside it), batch JSON Lines, --summary (table and JSON), check
#    (human, --json); check with testdata/check/authpeek.toml and with every expectation flag;
#    diff on every ordered pair of tokens in testdata/diff and testdata/check; audit (human,
#    --json, --sarif, --timeline) on testdata/audit and testdata/interop; every conformance
#    vector (testdata/vectors) through decode and check at its own `now`, diff on refresh pairs
#    and on neighbouring cases of a family. Times are fixed with --now; the environment is empty.
#    Prints the case count, then the first differences (GOLDEN_SHOW, default 5), and exits 1 when
#    anything differs, 0 when nothing does.
#
# The dev profile (both sides), so the working tree's build reuses target/. A first run builds the
# baseline from scratch (minutes on a loaded machine); the cases take about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ $# -ge 1 ]; then
  base=$1
elif git rev-parse --verify -q main >/dev/null; then
  base=$(git merge-base HEAD main)
else
  echo "golden: no branch 'main' here; give the baseline commit: bench/golden.sh COMMIT" >&2
  exit 2
fi
sha=$(git rev-parse --verify "$base^{commit}")
gold=$root/target/golden
base_bin=$gold/bin/$sha/authpeek

if [ ! -x "$base_bin" ]; then
  tree=$(mktemp -d "${TMPDIR:-/tmp}/authpeek-golden.XXXXXX")
  trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || true; rm -rf "$tree"' EXIT
  git worktree add --detach -q "$tree" "$sha"
  echo "golden: building the baseline ${sha:0:12} (target/golden/target)" >&2
  # No incremental cache: baselines are built rarely, and disk is shared.
  (cd "$tree" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$gold/target" cargo build --quiet --bin authpeek)
  # One baseline binary is kept (a debug binary is ~300 MB).
  rm -rf "$gold/bin"
  mkdir -p "$(dirname "$base_bin")"
  cp "$gold/target/debug/authpeek" "$base_bin"
  # Now, not only in the trap: `exec` below replaces this shell without running EXIT traps.
  git worktree remove --force "$tree"
  rm -rf "$tree"
  trap - EXIT
fi

echo "golden: building the working tree" >&2
cargo build --quiet --bin authpeek
exec python3 bench/golden.py "$base_bin" "$root/target/debug/authpeek"
