#!/usr/bin/env bash
# Build every fuzz target and run each for SECONDS (default 60), one after the other, one job.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Works on a stable toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo-fuzz
# passes. No sanitizer (`-s none`): authpeek forbids unsafe code, so ASan would only slow the
# search; debug assertions (`-a`) stay on so integer overflow is a crash.
# Crashes land in fuzz/artifacts/<target>/; the growing corpus in fuzz/corpus/<target>/ (both
# git-ignored); fuzz/seeds/<target>/ is the committed starting corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
flags=(-O -a -s none)
nice -n 19 cargo fuzz build "${flags[@]}"
bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/seeds/$t" "fuzz/artifacts/$t"
  log="fuzz/artifacts/$t.log"
  # Run the built binary itself (not `cargo fuzz run`, which would rebuild from a changing tree).
  if nice -n 19 "$bin/$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -artifact_prefix="fuzz/artifacts/$t/" \
      -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1; then
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
    echo "fuzz $t: ok, ${runs:-?} executions in ${secs}s, ${cov:-cov: ?}, corpus $(ls "fuzz/corpus/$t" | wc -l) files"
  else
    echo "fuzz $t: CRASH — see $log and fuzz/artifacts/$t/" >&2
    grep -E 'panicked at|^SUMMARY' -A2 "$log" >&2 || true
    status=1
  fi
done
exit $status
