#!/usr/bin/env bash
# Posts watchbill's review on the pull request, or updates the comment it posted before: one
# sticky comment, found by the hidden marker on its first line. Pull requests from forks get a
# read-only token, so they are skipped politely (the review is in the job summary anyway).
set -euo pipefail

marker='<!-- watchbill-review -->'
pr="${PR_NUMBER:?the pull request number}"
file="${COMMENT_FILE:?the file holding the comment body}"
repo="${GITHUB_REPOSITORY:?owner/name of the repository}"

if [ "${PR_FORK:-false}" = true ]; then
  echo "::notice title=watchbill::pull request from a fork: the token cannot comment; the review is in the job summary"
  exit 0
fi
if [ ! -s "$file" ]; then
  echo "no review to post ($file is empty)"
  exit 0
fi
case "$pr" in
  '' | *[!0-9]*) echo "::error title=watchbill::PR_NUMBER must be a number"; exit 2 ;;
esac

existing="$(gh api --paginate "repos/$repo/issues/$pr/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$file" >/dev/null
  echo "updated the watchbill review comment ($existing)"
elif gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$file" >/dev/null; then
  echo "posted the watchbill review comment"
else
  echo "::notice title=watchbill::could not post the review (does the token have pull-requests: write?); it is in the job summary"
fi
