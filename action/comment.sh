#!/usr/bin/env bash
# Posts watchbill's review on the pull request, or updates the comment it posted before: one
# sticky comment, found by the hidden marker on its first line AND by its author (the token's own
# login), so a person's comment that quotes the marker is never edited. Every page of comments is
# read. Pull requests from forks get a read-only token, so they are skipped politely; a token that
# may not read or write the comments gets a notice, never a failure: the review is in the job
# summary either way.
set -euo pipefail

marker='<!-- watchbill-review -->'
pr="${PR_NUMBER:?the pull request number}"
file="${COMMENT_FILE:?the file holding the comment body}"
repo="${GITHUB_REPOSITORY:?owner/name of the repository}"

# A workflow command's data may not hold a raw % or line break.
notice() {
  local m="${*//'%'/%25}"
  m="${m//$'\r'/ }"
  echo "::notice title=watchbill::${m//$'\n'/ }"
}

if [ "${PR_FORK:-false}" = true ]; then
  notice "pull request from a fork: the token cannot comment; the review is in the job summary"
  exit 0
fi
if [ ! -s "$file" ]; then
  echo "no review to post ($file is empty)"
  exit 0
fi
case "$pr" in
  '' | *[!0-9]*) echo "::error title=watchbill::PR_NUMBER must be a number"; exit 2 ;;
esac

# Whose comments are ours: the `comment-author` input when given (a GitHub App's "<slug>[bot]"),
# else the token's user (a personal token), else the bot behind an app or Actions token (GraphQL
# names bots without the "[bot]" the REST API shows), else GitHub Actions' bot.
author="${COMMENT_AUTHOR:-}"
[ -n "$author" ] || author="$(gh api user --jq .login 2>/dev/null || true)"
if [ -z "$author" ]; then
  author="$(gh api graphql -f query='query { viewer { login } }' --jq .data.viewer.login 2>/dev/null || true)"
  case "$author" in '' | *'[bot]') ;; *) author="$author[bot]" ;; esac
fi
[ -n "$author" ] || author='github-actions[bot]'
case "$author" in
  *[!A-Za-z0-9._[\]-]*) echo "::error title=watchbill::unexpected comment author '$author'"; exit 2 ;;
esac

err="$(mktemp)"
trap 'rm -f "$err"' EXIT
last_error() { tail -n 1 "$err"; }

filter=".[] | select(.user.login == \"$author\" and (.body | startswith(\"$marker\"))) | .id"
if ! ids="$(gh api --paginate "repos/$repo/issues/$pr/comments?per_page=100" --jq "$filter" 2>"$err")"; then
  notice "could not read the pull request's comments ($(last_error)); the review is in the job summary"
  exit 0
fi
existing="$(printf '%s\n' "$ids" | head -n 1)"

if [ -n "$existing" ]; then
  if gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$file" >/dev/null 2>"$err"; then
    echo "updated the watchbill review comment ($existing)"
  else
    notice "could not update the review comment $existing ($(last_error); does the token have pull-requests: write?); it is in the job summary"
  fi
elif gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$file" >/dev/null 2>"$err"; then
  echo "posted the watchbill review comment as $author"
else
  notice "could not post the review ($(last_error); does the token have pull-requests: write?); it is in the job summary"
fi
