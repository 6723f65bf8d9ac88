#!/usr/bin/env bash
# Run `authpeek doctor` on public Next.js apps at pinned commits and compare with the reviewed
# outputs beside this script (<owner>+<repo>.txt). Needs network access to GitHub, so it is not
# part of `cargo test` / CI; run it by hand after changing a rule:
#   testdata/doctor/real/check.sh            compare
#   testdata/doctor/real/check.sh --update   rewrite the outputs (review the diff before committing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${AUTHPEEK:-$here/../../../target/debug/authpeek}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
# owner/repo commit [the app's folder in the repository]
while read -r repo commit sub; do
  [ -z "$repo" ] && continue
  dir="$work/${repo/\//+}"
  git init -q "$dir"
  git -C "$dir" fetch -q --depth 1 "https://github.com/$repo" "$commit"
  git -C "$dir" checkout -q FETCH_HEAD
  out="$here/${repo/\//+}.txt"
  actual="$(cd "$dir/${sub:-.}" && "$bin" doctor . --color never || true)"
  if [ "${1:-}" = "--update" ]; then
    printf '%s\n' "$actual" > "$out"
  elif ! diff -u "$out" <(printf '%s\n' "$actual"); then
    echo "== $repo: output changed" >&2
    status=1
  fi
done <<'LIST'
shadcn-ui/taxonomy 651f984e52edd65d40ccd55e299c1baeea3ff017
nextauthjs/next-auth-example 39ff2b7a375c240a4741866b3818d80fc8edaa5c
vercel/nextjs-subscription-payments bdd0813206e47e6b218d42f15a7976c8a0d3c3eb
dubinc/dub 1de955f782a72e1eff7b201ae54a909d5ceb5722 apps/web
LIST
exit "$status"
