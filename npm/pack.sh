#!/usr/bin/env bash
# npm/pack.sh OUT_DIR: build the release binary for this machine and write the npm tarballs of the
# main package (authpeek-VERSION.tgz) and of this platform's package
# (authpeek-cli-TARGET-VERSION.tgz) into OUT_DIR. Prints the two tarball paths.
#
# The release build (fat LTO) takes minutes; cargo reuses it while the sources are unchanged.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: npm/pack.sh OUT_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in node npm cargo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "npm/pack.sh: error: $tool is not on PATH; install it (node >= 18 with npm, and the Rust toolchain)" >&2
    exit 2
  fi
done

# Refuse to pack packages whose versions or fields drifted from Cargo.toml.
node "$root/npm/sync.mjs" --check

target=$(node "$root/npm/targets.mjs" host)
read -r target_id _ binary_name _ <<<"$target"

echo "npm/pack.sh: cargo build --release (target $target_id)" >&2
(cd "$root" && cargo build --release --locked --bin authpeek)
binary="${CARGO_TARGET_DIR:-$root/target}/release/$binary_name"

mkdir -p "$1"
out=$(cd "$1" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
"$root/npm/stage.sh" "$target_id" "$binary" "$stage/platform"

# --json: the file names npm chose, printed as paths.
(cd "$out" && npm pack --json --pack-destination "$out" "$stage/platform" "$root/npm/authpeek") \
  | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        for (const p of JSON.parse(s)) console.log(require("path").join(process.argv[1], p.filename));
      });' "$out"
