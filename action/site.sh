#!/usr/bin/env bash
# Builds the crew's web site into the runner's temporary folder and says where (the `dir` output).
set -euo pipefail

case "${WATCHBILL_SITE:?}" in
  pages | artifact) ;;
  *) echo "::error::the site input is \"$WATCHBILL_SITE\"; use off, pages or artifact" >&2; exit 2 ;;
esac
dir="${RUNNER_TEMP:?}/watchbill-site"
watchbill -C "${WATCHBILL_DIR:-.}" site -o "$dir"
echo "dir=$dir" >>"${GITHUB_OUTPUT:?}"
