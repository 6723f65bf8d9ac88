#!/usr/bin/env bash
# The real libraries open what `authpeek encode` mints: installs the pinned @auth/core,
# next-auth v4, iron-session, @auth0/nextjs-auth0 v3 and v4, better-auth and @supabase/ssr
# (package-lock.json, into interop/.scratch/encode; npm cache beside the lab's), builds authpeek
# (debug) and runs check.mjs (readers.mjs holds the libraries' session readers). 58 s from an
# empty npm cache with the binary built (npm ci ~20 s), 3 s warm. Needs Node >= 18 with npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="$root/interop/.scratch"
dst="$scratch/encode"
mkdir -p "$dst" "$scratch/npm-cache"
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$here/check.mjs" "$here/readers.mjs" "$dst/"
if ! cmp -s "$here/package-lock.json" "$dst/node_modules/.package-lock.stamp" 2>/dev/null; then
  (cd "$dst" && npm ci --cache "$scratch/npm-cache" --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$dst/node_modules/.package-lock.stamp"
fi
(cd "$root" && cargo build --quiet --bin authpeek)
node "$dst/check.mjs" "$root/target/debug/authpeek"
