#!/usr/bin/env bash
# Re-records testdata/vectors/express-session/ from a real express app with the real
# express-session and cookie-signature (pinned: package.json, package-lock.json), installed into
# interop/.scratch/express (npm cache beside the lab's). Listens on 127.0.0.1:3500-3505 (PORT=...
# moves it). About 20 s from an empty npm cache, 1 s warm. Needs Node >= 18 with npm.
# Session ids are random: a re-recording changes every value; the tests read whatever is there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="$root/interop/.scratch"
dst="$scratch/express"
mkdir -p "$dst" "$scratch/npm-cache"
cp "$here/package.json" "$here/package-lock.json" "$here/record.mjs" "$dst/"
if ! cmp -s "$here/package-lock.json" "$dst/node_modules/.package-lock.stamp" 2>/dev/null; then
  (cd "$dst" && npm ci --cache "$scratch/npm-cache" --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$dst/node_modules/.package-lock.stamp"
fi
node "$dst/record.mjs" "${1:-$root/testdata/vectors/express-session}" "${PORT:-3500}"
