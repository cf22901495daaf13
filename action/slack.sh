#!/usr/bin/env bash
# Posts the week's summary (Slack Block Kit, rendered by watchbill) to an incoming webhook.
set -euo pipefail

url="${SLACK_WEBHOOK_URL:?the Slack incoming webhook URL}"
payload="$(mktemp)"
watchbill -C "${WATCHBILL_DIR:-.}" render summary --format slack >"$payload"
curl -fsS --retry 3 -X POST -H 'Content-Type: application/json' --data "@$payload" "$url" >/dev/null
rm -f "$payload"
echo "posted the week's summary to Slack"
