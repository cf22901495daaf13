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

/// The workflow `watchbill init` writes into the crew's repository, for the settings among
/// `files` (the ones `init` writes): the watchbill action on every push and pull request, and
/// just after the weekly handover for the week's summary. Pushes and the schedule run a
/// read-only job; only the pull-request job may write (its comment); one run at a time per pull
/// request or branch, so two runs never post two comments.
pub fn workflow(working_directory: &str, files: &[(String, String)]) -> String {
    let settings: Vec<crate::model::RawFile> = files
        .iter()
        .filter(|(p, _)| p == crate::model::settings::FILE)
        .map(|(p, t)| crate::model::RawFile { path: p.clone(), bytes: t.clone().into_bytes() })
        .collect();
    let schedule = crate::model::load(settings).model.settings.schedule;
    let (cron, when) = summary_cron(&schedule);
    format!(
        r#"# watchbill: checks the crew's files on every push, publishes the week's summary in the job
# summary, and reviews handover pull requests with one comment that it keeps up to date.
# Reference: https://github.com/watchbill/watchbill/blob/main/docs/action.md
name: watchbill

on:
  push:
    branches: [main]
  pull_request:
  # {when}
  schedule:
    - cron: "{cron}"

# Nothing by default; each job asks for what it needs.
permissions: {{}}

# One run at a time per pull request (or branch): a newer push cancels the older run, so two
# runs never post two comments.
concurrency:
  group: watchbill-${{{{ github.event.pull_request.number || github.ref }}}}
  cancel-in-progress: true

jobs:
  # Pushes and the schedule: check the files and publish the week's summary. Read-only.
  summary:
    name: Check and summarise the week
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: watchbill/watchbill@v0.1.0
        with:
          working-directory: {working_directory}
          # slack-webhook-url: ${{{{ secrets.WATCHBILL_SLACK_WEBHOOK }}}}

  # Pull requests: the same check, and the review as one comment. The only job that may write.
  review:
    name: Check and review the pull request
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      # Pull requests from forks get a read-only token and are skipped.
      pull-requests: write # to post and update the review comment
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          # The review starts from the merge base of the pull request's base and head.
          fetch-depth: 0
          persist-credentials: false
      - uses: watchbill/watchbill@v0.1.0
        with:
          working-directory: {working_directory}

  # The crew's web site (docs/site.md), on pushes to main and on the schedule. Kept private by
  # default, as a workflow artifact; to publish it with GitHub Pages, switch Pages on (Settings >
  # Pages > Source: GitHub Actions) and set WATCHBILL_SITE below to "pages" ("off": no site).
  site:
    name: Build the crew's web site
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    env:
      WATCHBILL_SITE: artifact
    permissions:
      contents: read
      # Publishing with GitHub Pages, on this job only.
      pages: write # to deploy the site to GitHub Pages
      id-token: write # to prove to Pages that this run deploys it (OIDC)
    concurrency:
      group: watchbill-site
      cancel-in-progress: false
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: watchbill/watchbill@v0.1.0
        with:
          working-directory: {working_directory}
          comment: "false"
          site: ${{{{ env.WATCHBILL_SITE }}}}
"#
    )
}

/// Minutes after the handover the summary runs: the handover is written by then.
const AFTER_HANDOVER_MINUTES: i64 = 15;

/// GitHub's cron runs in UTC and cannot follow daylight-saving time: the cron that fires just
/// after the handover when it is latest in UTC (the crew's smallest offset in the year), and a
/// comment saying so.
pub fn summary_cron(schedule: &crate::time::Schedule) -> (String, String) {
    use chrono::{Offset, TimeZone, Timelike};
    const WEEK: i64 = 7 * 24 * 60;
    let offset_at = |month: u32| {
        let utc = chrono::Utc.with_ymd_and_hms(2026, month, 15, 12, 0, 0).single();
        utc.map_or(0, |t| {
            i64::from(schedule.tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc() / 60)
        })
    };
    let (january, july) = (offset_at(1), offset_at(7));
    let smallest = january.min(july);
    let local = i64::from(schedule.weekday.num_days_from_monday()) * 24 * 60
        + i64::from(schedule.time.hour()) * 60
        + i64::from(schedule.time.minute());
    let utc = (local - smallest + AFTER_HANDOVER_MINUTES).rem_euclid(WEEK);
    let (day, hour, minute) = (utc / (24 * 60), utc / 60 % 24, utc % 60);
    // cron counts weekdays from Sunday (0); ours count from Monday.
    let cron = format!("{minute} {hour} * * {}", (day + 1) % 7);
    let utc_day = chrono::Weekday::try_from(day as u8).map_or_else(|_| String::new(), |d| format!("{d:?}"));
    let shift = (january - july).abs();
    let dst = match shift {
        0 => String::new(),
        m => format!(
            "\n  # While daylight-saving time is on, it runs {} min after the handover.",
            m + AFTER_HANDOVER_MINUTES
        ),
    };
    let when = format!(
        "The week's summary (and Slack, if configured) {AFTER_HANDOVER_MINUTES} min after the handover ({} {} \
         {}),\n  # in UTC as GitHub's cron runs: {utc_day} {hour:02}:{minute:02} UTC.{dst}",
        schedule.weekday,
        schedule.time.format("%H:%M"),
        schedule.tz
    );
    (cron, when)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, Weekday};

    fn cron(tz: chrono_tz::Tz, weekday: Weekday, time: &str) -> String {
        let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
        summary_cron(&crate::time::Schedule { tz, weekday, time }).0
    }

    #[test]
    fn the_summary_runs_after_the_handover_in_utc_whatever_the_season() {
        // Paris: 10:00 is 09:00 UTC in winter, 08:00 in summer; the later one wins.
        assert_eq!(cron(chrono_tz::Europe::Paris, Weekday::Mon, "10:00"), "15 9 * * 1");
        // New York: 17:00 is 22:00 UTC in winter.
        assert_eq!(cron(chrono_tz::America::New_York, Weekday::Fri, "17:00"), "15 22 * * 5");
        // Tokyo, no daylight-saving time: Monday 00:30 is Sunday 15:30 UTC.
        assert_eq!(cron(chrono_tz::Asia::Tokyo, Weekday::Mon, "00:30"), "45 15 * * 0");
        // Sydney: summer in January (+11), winter in July (+10): Monday 09:00 is Sunday 23:00 UTC.
        assert_eq!(cron(chrono_tz::Australia::Sydney, Weekday::Mon, "09:00"), "15 23 * * 0");
        // Sunday 23:50 in UTC wraps to Monday.
        assert_eq!(cron(chrono_tz::UTC, Weekday::Sun, "23:50"), "5 0 * * 1");
    }

    #[test]
    fn the_workflow_reads_the_handover_from_the_settings() {
        let mut files = files("Ops");
        let text = files[0]
            .1
            .replace("weekday = \"monday\"", "weekday = \"wednesday\"")
            .replace("\"10:00\"", "\"14:30\"");
        files[0].1 = text;
        let w = workflow(".", &files);
        assert!(w.contains("    - cron: \"45 13 * * 3\""), "{w}");
        assert!(w.contains("after the handover (Wed 14:30 Europe/Paris)"), "{w}");
    }
}
