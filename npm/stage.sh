#!/usr/bin/env bash
# npm/stage.sh TARGET BINARY DEST: lay out the platform package @authpeek/cli-TARGET in DEST (its
# package.json from npm/@authpeek/cli-TARGET and BINARY, executable, under the name the launcher
# runs), ready for `npm pack DEST` or `npm publish DEST`. TARGET is an id of the table in
# npm/authpeek/lib/platform.js (linux-x64-gnu, darwin-arm64, ...). Used by npm/pack.sh and by
# .github/workflows/release.yml.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: npm/stage.sh TARGET BINARY DEST (e.g. npm/stage.sh linux-x64-gnu target/release/authpeek /tmp/pkg)" >&2
  exit 2
fi
target=$1 binary=$2 dest=$3
npm_dir=$(cd "$(dirname "$0")" && pwd)

read -r _ _ name _ < <(node "$npm_dir/targets.mjs" "$target") || exit 2
if [ ! -f "$binary" ]; then
  echo "npm/stage.sh: error: binary $binary does not exist; build it first (cargo build --release)" >&2
  exit 2
fi

mkdir -p "$dest"
cp "$npm_dir/@authpeek/cli-$target/package.json" "$dest/package.json"
cp "$binary" "$dest/$name"
chmod 755 "$dest/$name"
