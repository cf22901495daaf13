//! The files `watchbill init` writes: every setting present, with its default and a comment that
//! explains it, so a newcomer can tune the crew without opening the docs.

/// `watchbill.toml` with every setting and its default.
pub fn settings(name: &str, timezone: &str, holidays: &str) -> String {
    // A TOML string, quoted and escaped: a crew may be called `Ops "night" crew`.
    let name = toml_edit::Value::from(name).to_string();
    let name = name.trim();
    format!(
        r#"# watchbill settings. Every field is optional; the defaults are shown.
# Reference: docs/format.md

# The crew's name, shown in summaries.
name = {name}

# The crew's time zone (an IANA name). Handovers, weeks and business days are counted in it.
timezone = "{timezone}"

[handover]
# The weekly handover: the day (monday … sunday) and local time ("HH:MM") when the
# longest-serving captain hands over to a new one. A week's watch runs from its handover to the
# next, whatever daylight-saving time does in between.
weekday = "monday"
time = "10:00"

[rota]
# Captains on watch at once.
crew_size = 2
# Consecutive weeks one captaincy lasts. With crew_size = 2 and term_weeks = 2, one captain comes
# in and one goes back to their product team at every handover (the "staggered watch").
term_weeks = 2
# How many weeks ahead `watchbill rota plan` fills by default.
horizon_weeks = 12
# Each week's incoming captain comes from another team than the previous one's, and teams take
# turns, so supervision know-how reaches every team.
team_rotation = true
# A first-time captain always serves beside someone who has served before.
pair_novices = true

[calendar]
# Days that are not business days (objectives counted in business days skip them).
weekend = ["saturday", "sunday"]
# Public holidays, as TOML dates: holidays = [2026-12-25, 2027-01-01]
holidays = [{holidays}]
"#
    )
}

/// `crew.toml`, empty but for a commented example.
pub const CREW: &str = r#"# The crew: product teams and their members. Edit it by hand or with `watchbill crew`.
# Reference: docs/format.md
#
# [[team]]
# id = "certif"                 # lowercase letters, digits, '-', '_' and '.'
# name = "Certification"
#
# [[member]]
# id = "alice"
# name = "Alice Martin"
# email = "alice@example.org"   # matched against git's user.email to know who writes
# team = "certif"
# github = "alice-m"            # optional, to mention them in pull requests
# active = true                 # false: never planned again (they keep their history)
# away = [{ from = 2026-12-21, to = 2027-01-03, reason = "holidays" }]   # days included
"#;

/// `maturity.toml`: a five-axis production maturity matrix to start from.
pub const MATURITY: &str = r#"# The production maturity matrix: its axes, and what each level means (level 1 first).
# A level may name objectives as `evidence`: `watchbill maturity show` then says whether the
# facts support an assessed level. Assessments live in assessments/<date>.toml.
# Reference: docs/format.md

[[axis]]
id = "stability"
name = "Production stability"
target = 3

[[axis.level]]
description = "Incidents are found by users and fixed by whoever is around."

[[axis.level]]
description = "A captain is on watch; incidents are logged with their times."

[[axis.level]]
description = "Service is restored in minutes and every incident gets a permanent fix."
evidence = ["restore-under-10-min", "fix-under-10-business-days"]

[[axis.level]]
description = "Recurring causes are removed before they bite; incidents are rare."

[[axis]]
id = "delivery"
name = "Delivery"
target = 3

[[axis.level]]
description = "Releases are rare, manual and feared."

[[axis.level]]
description = "Releases are scripted and happen every week."

[[axis.level]]
description = "Every merge can reach production safely the same day."

[[axis.level]]
description = "Deployments are continuous, observable and reversible in one step."

[[axis]]
id = "monitoring"
name = "Monitoring & automation"
target = 3

[[axis.level]]
description = "No alerting: problems are reported by users."

[[axis.level]]
description = "Dashboards exist; someone looks at them."

[[axis.level]]
description = "Alerts reach the captains within a minute of a problem."
evidence = ["alert-under-1-min"]

[[axis.level]]
description = "Known failures repair themselves; toil is automated away."

[[axis]]
id = "relations"
name = "Relations with business teams"
target = 3

[[axis.level]]
description = "Business teams learn of incidents through support tickets."

[[axis.level]]
description = "A weekly logbook tells product teams what happened."

[[axis.level]]
description = "Incidents are announced early; they cause few support tickets."
evidence = ["tickets-under-10"]

[[axis.level]]
description = "Business teams plan with the crew; incidents rarely reach users."

[[axis]]
id = "talent"
name = "Talent development"
target = 3

[[axis.level]]
description = "Production is the business of a few experts."

[[axis.level]]
description = "Developers take turns as captains."

[[axis.level]]
description = "Two developers out of three feel comfortable as captain."
evidence = ["captains-comfortable"]

[[axis.level]]
description = "Every developer can lead an incident; captains coach newcomers."
"#;

/// The files of a fresh `watchbill init`, paths relative to the root.
pub fn files(name: &str) -> Vec<(String, String)> {
    vec![
        ("watchbill.toml".into(), settings(name, "Europe/Paris", "")),
        ("crew.toml".into(), CREW.into()),
        // Evidence names the example's objectives; a fresh crew has none yet.
        (
            "maturity.toml".into(),
            MATURITY.lines().filter(|l| !l.starts_with("evidence")).map(|l| format!("{l}\n")).collect(),
        ),
    ]
}

/// Where GitHub looks for workflows, relative to the repository's top.
pub const WORKFLOW_PATH: &str = ".github/workflows/watchbill.yml";

/// The workflow `watchbill init` writes into the crew's repository: the watchbill action on every
/// push and pull request, and on Monday mornings for the week's summary.
pub fn workflow(working_directory: &str) -> String {
    format!(
        r#"# watchbill: checks the crew's files on every push, publishes the week's summary in the job
# summary, and reviews handover pull requests with one comment that it keeps up to date.
# Reference: https://github.com/watchbill/watchbill/blob/main/docs/action.md
name: watchbill

on:
  push:
    branches: [main]
  pull_request:
  # Monday morning, before the handover: the week's summary (and Slack, if configured).
  schedule:
    - cron: "0 7 * * 1"

# Nothing by default; the job asks for what it needs.
permissions: {{}}

jobs:
  watchbill:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      # The review comment. Pull requests from forks get a read-only token and are skipped.
      pull-requests: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          # The review compares the pull request's base and head: fetch the history.
          fetch-depth: 0
          persist-credentials: false
      - uses: watchbill/watchbill@v0.1.0
        with:
          working-directory: {working_directory}
          # slack-webhook-url: ${{{{ secrets.WATCHBILL_SLACK_WEBHOOK }}}}
"#
    )
}
