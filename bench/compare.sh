#!/usr/bin/env bash
# Compare `authpeek decode --batch` with the JavaScript libraries, in one run, on the same tokens.
#
#   bench/compare.sh [N]        N tokens per flavour (default 100000)
#
# 1. installs the real libraries at pinned versions into bench/.scratch (gitignored):
#    @auth/core 0.41.3, next-auth 4.24.15, jose 4.15.9;
# 2. builds authpeek (release);
# 3. for Auth.js v5 and next-auth v4: generates N session cookies with claims of 300-600 bytes
#    using the library's own encode(), then times on the same file
#      - the library's decode() (@auth/core / next-auth), 64 in flight,
#      - jose@4 jwtDecrypt with the key derived once,
#      - authpeek decode --batch (JSON Lines to a file), and with --summary (no per-line output);
#    and checks that all agree token by token (sha256 of the decoded `sub`s in input order);
# 4. single-token latency: median whole-process wall time of `authpeek decode` on one cookie and on
#    one JWS, and of jwt-cli (`cargo install jwt-cli`, if installed into bench/.scratch/cargo) on
#    the same JWS; measured twice: with the commands taking turns (one run of each per round) and
#    back-to-back (200 runs of one command, then the next);
# 5. peak RSS of a RSS_LINES-line batch (default 1000000; RSS_LINES=0 skips it).
#
# The jose@4 and authpeek rows are each the median of REPEAT runs (default 3): one run of either
# can be 10-20 % off on a shared machine. The library decode() rows run once (tens of seconds).
#
# JS figures time the decode loop only, inside one warm process (file reading and startup excluded);
# authpeek figures are whole processes (startup, reading, parsing and writing included). Each row
# gives wall time and CPU time (user + system): on a shared machine the wall-clock rate depends on
# what else runs, tokens per CPU-second much less (authpeek's CPU time is summed over its threads).
set -euo pipefail

N=${1:-100000}
RSS_LINES=${RSS_LINES:-1000000}
REPEAT=${REPEAT:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=$ROOT/bench/.scratch
mkdir -p "$SCRATCH"
cd "$SCRATCH"

echo "== setup"
[ -f package.json ] || echo '{"name":"authpeek-bench-scratch","private":true,"version":"0.0.0"}' > package.json
# next-auth 4 declares an optional peer on an older @auth/core; the two are independent here.
npm install --no-audit --no-fund --silent --save-exact --legacy-peer-deps \
  @auth/core@0.41.3 next-auth@4.24.15 jose@4.15.9
cp "$ROOT/bench/compare.mjs" .
(cd "$ROOT" && cargo build --release --quiet)
BIN=$ROOT/target/release/authpeek
BENCH_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')
export BENCH_SECRET
printf '%s\n' "$BENCH_SECRET" > secret.txt
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   node $(node --version)   $(rustc --version)"

now_ns() { date +%s%N; }
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", n / (ms / 1000) }'; }
field() { node -e "const o=JSON.parse(process.argv[1]); console.log(o[process.argv[2]])" "$1" "$2"; }

# Run "$@" REPEAT times (each run prints one JSON object with "ms"); print the median run.
median_run() {
  local outs=() i
  for ((i = 0; i < REPEAT; i++)); do outs+=("$("$@")"); done
  printf '%s\n' "${outs[@]}" | node -e '
    const runs = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
    runs.sort((a, b) => a.ms - b.ms);
    console.log(JSON.stringify(runs[(runs.length - 1) >> 1]));'
}

fail=0
for flavour in v5 v4; do
  case $flavour in
    v5) title="Auth.js v5 (A256CBC-HS512)"; lib="@auth/core decode()";;
    v4) title="next-auth v4 (A256GCM)"; lib="next-auth decode()";;
  esac
  echo
  echo "== $title: $N tokens"
  node compare.mjs gen $flavour "$N" "tokens-$flavour.txt"
  lib_out=$(node compare.mjs lib $flavour "tokens-$flavour.txt")
  jose_out=$(median_run node compare.mjs jose $flavour "tokens-$flavour.txt")
  # Whole-process wall and CPU (user + system) time of authpeek.
  timed() {
    local out=$1; shift
    /usr/bin/time -f '%e %U %S' -o time.txt "$@" > "$out"
    awk '{ printf "{\"ms\":%.0f,\"cpu_ms\":%.0f}", $1 * 1000, ($2 + $3) * 1000 }' time.txt
  }
  ap_t=$(median_run timed "out-$flavour.jsonl" "$BIN" decode --no-env --secret-file secret.txt --batch "tokens-$flavour.txt")
  sum_t=$(median_run timed "summary-$flavour.json" "$BIN" --json decode --no-env --secret-file secret.txt --batch "tokens-$flavour.txt" --summary)
  ap_out=$(node compare.mjs hash "out-$flavour.jsonl")

  lib_rate=$(rate "$N" "$(field "$lib_out" ms)")
  jose_rate=$(rate "$N" "$(field "$jose_out" ms)")
  ap_rate=$(rate "$N" "$(field "$ap_t" ms)")
  sum_rate=$(rate "$N" "$(field "$sum_t" ms)")
  printf '  %-40s %8s %10s %9s %16s\n' tool "wall s" tokens/s "CPU s" "tokens/CPU-s"
  row() {
    printf '  %-40s %8.2f %10s %9.2f %16s\n' "$1" "$(awk -v ms="$(field "$2" ms)" 'BEGIN{print ms/1000}')" \
      "$(rate "$N" "$(field "$2" ms)")" "$(awk -v ms="$(field "$2" cpu_ms)" 'BEGIN{print ms/1000}')" \
      "$(rate "$N" "$(field "$2" cpu_ms)")"
  }
  row "$lib (64 in flight)" "$lib_out"
  row "jose@4 jwtDecrypt, key derived once" "$jose_out"
  row "authpeek decode --batch (JSON Lines)" "$ap_t"
  row "authpeek decode --batch --summary" "$sum_t"
  x() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1fx", a/b}'; }
  echo "  wall-clock ratios, authpeek JSON Lines: $(x "$ap_rate" "$lib_rate") $lib, $(x "$ap_rate" "$jose_rate") jose@4"
  echo "  wall-clock ratios, authpeek --summary:  $(x "$sum_rate" "$lib_rate") $lib, $(x "$sum_rate" "$jose_rate") jose@4"
  h_lib=$(field "$lib_out" hash); h_jose=$(field "$jose_out" hash); h_ap=$(field "$ap_out" hash)
  ok_all="$(field "$lib_out" ok)/$(field "$jose_out" ok)/$(field "$ap_out" ok)"
  if [ "$h_lib" = "$h_jose" ] && [ "$h_lib" = "$h_ap" ] && [ "$ok_all" = "$N/$N/$N" ]; then
    echo "  agreement: all three decoded $N/$N tokens to the same subs (sha256 ${h_lib:0:16}…)"
  else
    echo "  DISAGREEMENT: decoded ok $ok_all; sub hashes lib ${h_lib:0:16} jose ${h_jose:0:16} authpeek ${h_ap:0:16}"
    fail=1
  fi
done

echo
echo "== single-token latency: median wall of 200 whole-process runs (rows taking turns; each row back-to-back), mean CPU (perf task-clock) of 100"
cookie=$(head -n1 tokens-v5.txt)
jws=$(node compare.mjs jws)
python3 - "$BIN" "$cookie" "$jws" "$SCRATCH/cargo/bin/jwt" <<'PY'
import os, statistics, subprocess, sys, time
binary, cookie, jws, jwt_cli = sys.argv[1:5]
def median_ms(argv, runs=200):
    """Median wall time of `runs` back-to-back runs of one command (its code stays warm in the
    CPU caches between runs: favours the smaller binary)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
def interleaved_ms(rows, rounds=200):
    """Median wall time per row when the rows take turns, one run each per round: every command
    starts after the others ran (closer to a one-off run), and drift in the machine's load
    falls on all rows alike."""
    times = {name: [] for name, _ in rows}
    for _ in range(rounds):
        for name, argv in rows:
            t = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append((time.perf_counter() - t) * 1000)
    return {name: statistics.median(ts) for name, ts in times.items()}
rows = [("harness overhead (/bin/true)", ["/bin/true"]),
        ("authpeek decode <Auth.js v5 cookie>", [binary, "decode", "--no-env", "--secret-file", "secret.txt", cookie]),
        ("authpeek decode <HS256 JWS>", [binary, "decode", "--no-env", "--secret-file", "secret.txt", jws])]
if os.access(jwt_cli, os.X_OK):
    rows.append(("jwt-cli decode <HS256 JWS> (jwt " + subprocess.run([jwt_cli, "--version"], capture_output=True, text=True).stdout.split()[-1] + ")",
                 [jwt_cli, "decode", "--secret", open("secret.txt").read().strip(), jws]))
else:
    print("  (jwt-cli not installed: cargo install jwt-cli --root bench/.scratch/cargo)")
def cpu_ms(argv, runs=100):
    """Mean CPU time per run (perf stat task-clock), or None without perf."""
    try:
        r = subprocess.run(["perf", "stat", "-x,", "-e", "task-clock", "-r", str(runs)] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in r.stderr.splitlines():
            if "task-clock" in line:
                return float(line.split(",")[0])
    except (OSError, ValueError):
        pass
    return None
# A timed command that fails (wrong secret, bad token) would time an error path: refuse to report it.
for name, argv in rows:
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"single-token row {name!r} exited {r.returncode}: {r.stderr.strip()[:200]}")
turns = interleaved_ms(rows)
print(f"  {'':<48} {'wall, taking turns':>18} {'wall, back-to-back':>18} {'CPU':>9}")
for name, argv in rows:
    c = cpu_ms(argv)
    print(f"  {name:<48} {turns[name]:15.2f} ms {median_ms(argv):15.2f} ms "
          + (f"{c:6.2f} ms" if c is not None else "     n/a"))
PY

if [ "$RSS_LINES" -gt 0 ]; then
  echo
  echo "== peak memory: $RSS_LINES-line Auth.js v5 batch"
  : > big.txt
  while [ "$(wc -l < big.txt)" -lt "$RSS_LINES" ]; do cat tokens-v5.txt >> big.txt; done
  head -n "$RSS_LINES" big.txt > big-n.txt && mv big-n.txt big.txt
  for mode in "" "--summary"; do
    /usr/bin/time -v "$BIN" decode --no-env --secret-file secret.txt --batch big.txt $mode > /dev/null 2> time.txt
    rss=$(awk -F: '/Maximum resident set size/{print $2}' time.txt | xargs)
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' time.txt)
    printf '  authpeek decode --batch %-10s peak RSS %6d MB   wall %s\n' "$mode" $((rss / 1024)) "$wall"
  done
  rm -f big.txt
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
