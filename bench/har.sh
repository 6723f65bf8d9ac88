#!/usr/bin/env bash
# Throughput and peak memory of `authpeek audit` on a big HAR, beside Python's bare json.load.
#
#   bench/har.sh [SIZE_MB]      HAR size in MB (10^6 bytes; default 500)
#   RUNS=5 bench/har.sh         runs per tool (default 3; the median is reported)
#   BASELINE_BIN=path/to/older/authpeek bench/har.sh   also time another authpeek build
#
# 1. builds authpeek (release);
# 2. generates a realistic HAR of SIZE_MB with bench/make_har.py into bench/.scratch (gitignored;
#    kept between runs, regenerated when the size changes): DevTools layout, Auth.js-like session
#    cookies, cache headers, and bodies — base64 images, HTML / JSON / JS text with escapes;
# 3. reads it once so both tools start from the page cache, then runs RUNS times each, under
#    /usr/bin/time -v: `authpeek audit FILE` (human output to /dev/null; exit 1 = findings, fine)
#    and `python3 -c 'import json; json.load(open(FILE))'`;
# 4. prints wall time, CPU time (user + system), MB/s on each, peak RSS, and the ratios.
#
# On a shared machine the wall-clock rate depends on what else runs; MB per CPU-second much less.
set -euo pipefail

SIZE=${1:-500}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=$ROOT/bench/.scratch
HAR=$SCRATCH/bench-${SIZE}MB.har
mkdir -p "$SCRATCH"

echo "== setup"
(cd "$ROOT" && cargo build --release --quiet)
BIN=$ROOT/target/release/authpeek
if [ ! -s "$HAR" ]; then
  python3 "$ROOT/bench/make_har.py" "$HAR.tmp" "$SIZE"
  mv "$HAR.tmp" "$HAR"
fi
BYTES=$(stat -c %s "$HAR")
echo "file: $HAR ($BYTES bytes)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   $(python3 --version)   $(rustc --version)"
cat "$HAR" > /dev/null

# measure NAME CMD...: RUNS runs; prints "wall_s cpu_s rss_kb" of the median run (by wall time).
measure() {
  local name=$1; shift
  local rows=()
  for _ in $(seq "$RUNS"); do
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" > /dev/null 2> "$log" || true
    grep -q 'Exit status: [01]$' "$log" || { echo "$name failed:" >&2; cat "$log" >&2; exit 1; }
    rows+=("$(awk -F': ' '
      /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
      /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
      END { printf "%.2f %.2f %d\n", w, u + s, r }' "$log")")
    rm -f "$log"
  done
  printf '%s\n' "${rows[@]}" | sort -n | awk -v k=$(( (RUNS + 1) / 2 )) 'NR == k'
}

echo "== runs ($RUNS each, median by wall time)"
read -r A_WALL A_CPU A_RSS < <(measure authpeek "$BIN" audit "$HAR")
if [ -n "${BASELINE_BIN:-}" ]; then
  read -r B_WALL B_CPU B_RSS < <(measure baseline "$BASELINE_BIN" audit "$HAR")
fi
read -r P_WALL P_CPU P_RSS < <(measure python python3 -c 'import json, sys; json.load(open(sys.argv[1], "rb"))' "$HAR")

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v bw="${B_WALL:-}" -v bc="${B_CPU:-}" -v br="${B_RSS:-}" -v b="$BYTES" -v aw="$A_WALL" -v ac="$A_CPU" -v ar="$A_RSS" -v pw="$P_WALL" -v pc="$P_CPU" -v pr="$P_RSS" 'BEGIN {
  mb = b / 1e6
  printf "\n%-34s %8s %9s %8s %11s %9s\n", "HAR of " sprintf("%.0f", mb) " MB", "wall s", "MB/s", "CPU s", "MB per CPU-s", "peak RSS"
  printf "%-34s %8.2f %9.0f %8.2f %11.0f %6.1f MB\n", "authpeek audit", aw, mb / aw, ac, mb / ac, ar / 1024
  if (bw != "") printf "%-34s %8.2f %9.0f %8.2f %11.0f %6.1f MB\n", "baseline (BASELINE_BIN) audit", bw, mb / bw, bc, mb / bc, br / 1024
  printf "%-34s %8.2f %9.0f %8.2f %11.0f %6.1f MB\n", "python3 json.load", pw, mb / pw, pc, mb / pc, pr / 1024
  if (bw != "") printf "\nauthpeek vs baseline: %.1fx faster (wall), %.1fx less CPU\n", bw / aw, bc / ac
  printf "\nauthpeek vs json.load: %.1fx faster (wall), %.1fx less CPU, %.1fx less memory\n", pw / aw, pc / ac, pr / ar
  printf "target (issue 8): >= 400 MB/s and < 64 MB peak RSS: %s / %s\n",
    (mb / aw >= 400 ? "met" : "NOT met"), (ar / 1024 < 64 ? "met" : "NOT met")
}'
