#!/usr/bin/env bash
# Runs watchbill's main job on the built-in example: a crew of 20 with six months of history.
# Usage: bash scripts/demo.sh [DIR]   (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-$(mktemp -d)/watchbill-demo}"
# The example is committed; on a machine where git has no identity yet, sign as the demo.
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-$(git config user.name || echo 'watchbill demo')}"
export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-$(git config user.email || echo 'demo@example.org')}"
cargo build --quiet --locked
wb=target/debug/watchbill
"$wb" init --example "$dir"
echo "== watchbill check"
"$wb" -C "$dir" check
echo "== watchbill crew list"
"$wb" -C "$dir" crew list
if "$wb" rota --help >/dev/null 2>&1; then
  echo "== watchbill who"
  "$wb" -C "$dir" who
  echo "== watchbill rota show --weeks 6"
  "$wb" -C "$dir" rota show --weeks 6
fi
if "$wb" render --help >/dev/null 2>&1; then
  echo "== watchbill render summary"
  "$wb" -C "$dir" render summary
  "$wb" -C "$dir" render summary --format html -o "$dir.html"
  echo "(the same week as one HTML page: $dir.html)"
fi
echo "The example lives in $dir"
