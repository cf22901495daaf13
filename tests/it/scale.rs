//! Large histories: the generated organisation of `init --example --years N --members M`, and the
//! commands that read only part of the history giving the same answers as a full read.
//! Speed itself is measured by `cargo bench` and scripts/bench.sh, not here.

use crate::common::{git, stdout, wb};
use std::path::Path;

/// A year of a 40-member organisation: small enough for a test, big enough for every record kind.
fn organisation() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example", "--years", "1", "--members", "40"]).assert().success();
    t
}

fn files_under(dir: &Path) -> Vec<String> {
    let out = git(dir, &["ls-files"]);
    out.lines().map(str::to_string).collect()
}

#[test]
fn the_generated_organisation_passes_check() {
    let t = organisation();
    let a = wb(t.path()).arg("check").assert().success();
    assert!(stdout(&a).ends_with("files checked, no problems\n"), "{}", stdout(&a));
    let a = wb(t.path()).args(["check", "--rev", "HEAD"]).assert().success();
    assert!(stdout(&a).ends_with("files checked, no problems\n"), "{}", stdout(&a));
}

#[test]
fn the_history_is_committed_week_by_week_and_the_checkout_is_clean() {
    let t = organisation();
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "", "every written file is committed and staged");
    let log = git(t.path(), &["log", "--format=%an|%aI|%s"]);
    let commits: Vec<&str> = log.lines().collect();
    // A commit per handover of the year, plus the first and the last.
    assert!((52..=56).contains(&commits.len()), "{} commits", commits.len());
    assert!(commits
        .last()
        .is_some_and(|c| c.contains("|init: example organisation (40 members in 4 teams)")));
    let handover =
        commits.iter().find(|c| c.contains("|logbook: handover 2026-W20")).expect("a weekly commit");
    // Signed by the captain who wrote the handover, at the time they wrote it.
    assert!(handover.contains("|2026-05-18T09:15:00+02:00|"), "{handover}");
    let files = files_under(t.path());
    for kind in ["rota/", "logbook/", "objectives/", "checkins/", "assessments/", "surveys/"] {
        assert!(files.iter().any(|f| f.starts_with(kind)), "no {kind}");
    }
    let entries = files.iter().filter(|f| f.starts_with("logbook/") && !f.ends_with("handover.md")).count();
    assert!(entries > 250, "{entries} logbook entries");
}

#[test]
fn the_same_now_gives_the_same_commits() {
    let (a, b) = (organisation(), organisation());
    assert_eq!(git(a.path(), &["rev-parse", "HEAD"]), git(b.path(), &["rev-parse", "HEAD"]));
}

#[test]
fn a_folder_with_records_is_refused_and_left_alone() {
    let t = tempfile::tempdir().expect("tempdir");
    git(t.path(), &["init", "-q", "-b", "main"]);
    std::fs::create_dir(t.path().join("rota")).expect("mkdir");
    let a = wb(t.path()).args(["init", "--example", "--years", "1", "--members", "10"]).assert().code(3);
    assert!(crate::common::stderr(&a).contains("already holds rota"), "{}", crate::common::stderr(&a));
    assert!(!t.path().join("watchbill.toml").exists());
    assert_eq!(git(t.path(), &["log", "--oneline", "--all"]), "");
}

#[test]
fn dry_run_and_no_commit() {
    let t = tempfile::tempdir().expect("tempdir");
    let dir = t.path().join("org");
    let a = wb(t.path())
        .args(["init", "--example", "--years", "1", "--members", "10", "--dry-run"])
        .arg(&dir)
        .assert()
        .success();
    assert!(stdout(&a).starts_with("dry run: would write "), "{}", stdout(&a));
    assert!(!dir.exists());
    wb(t.path()).args(["init", "--example", "--members", "10", "--no-commit"]).arg(&dir).assert().success();
    assert!(dir.join("crew.toml").exists());
    assert!(!dir.join(".git").exists(), "--no-commit makes no repository");
    wb(&dir).arg("check").assert().success();
}

#[test]
fn the_scale_is_bounded() {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example", "--years", "0"]).assert().code(2);
    wb(t.path()).args(["init", "--example", "--members", "9"]).assert().code(2);
    wb(t.path()).args(["init", "--years", "2"]).assert().code(2);
}

/// `watchbill -C dir --now NOW args…` with the test environment, reading only what the command
/// needs, or every week with `WATCHBILL_READ_ALL`.
fn run(dir: &Path, now: &str, read_all: bool, args: &[&str]) -> String {
    let out = output(dir, now, read_all, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The same, whatever it exits with.
fn output(dir: &Path, now: &str, read_all: bool, args: &[&str]) -> std::process::Output {
    let mut p = std::process::Command::new(assert_cmd::cargo::cargo_bin!("watchbill"));
    crate::common::env(&mut p);
    if read_all {
        p.env("WATCHBILL_READ_ALL", "1");
    }
    p.arg("-C").arg(dir).arg("--now").arg(now).args(args);
    p.output().expect("watchbill runs")
}

/// The command's answer, checked to be the same when it reads every week.
fn answer(dir: &Path, now: &str, args: &[&str]) -> String {
    let scoped = run(dir, now, false, args);
    assert_eq!(scoped, run(dir, now, true, args), "{args:?} at {now}");
    scoped
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("JSON")
}

#[test]
fn who_when_and_rota_show_read_in_part_answer_as_a_full_read() {
    let t = organisation();
    let dir = t.path();
    let now = crate::common::NOW;
    // Around the start of the history, across the spring clock change, at a handover, now, ahead.
    for at in [
        "2025-11-17 10:00",
        "2025-12-31 23:59",
        "2026-03-29 03:30",
        "2026-06-15 09:59",
        "2026-06-15 10:00",
        "2026-11-23 08:00",
        "2027-01-20 12:00",
        "2030-01-01 12:00",
    ] {
        let who = json(&answer(dir, now, &["who", "--at", at, "--format", "json"]));
        let known = at < "2027-02";
        assert_eq!(who["crew"].as_array().map(Vec::len), Some(if known { 2 } else { 0 }), "{at}: {who}");
    }
    let crew = json(&answer(dir, now, &["crew", "list", "--format", "json"]));
    for m in crew.as_array().expect("members").iter().step_by(7) {
        let id = m["id"].as_str().expect("an id");
        answer(dir, now, &["when", id, "--format", "json"]);
        answer(dir, now, &["when", id, "--all"]);
    }
    for from in ["2025-W40", "2025-W47", "2026-W10", "2026-W47", "2027-W06"] {
        let weeks =
            json(&answer(dir, now, &["rota", "show", "--from", from, "--weeks", "5", "--format", "json"]));
        assert!(from == "2025-W40" || !weeks.as_array().is_some_and(Vec::is_empty), "{from}");
    }
}

#[test]
fn status_and_the_logbook_read_in_part_answer_as_a_full_read() {
    let t = organisation();
    let dir = t.path();
    for now in ["2025-12-01T12:00:00+01:00", "2026-06-15T09:00:00+02:00", crate::common::NOW] {
        let status = json(&answer(dir, now, &["status", "--format", "json"]));
        assert!(!status["entries"].as_array().is_some_and(Vec::is_empty), "{now}: {status}");
        answer(dir, now, &["status"]);
        // Objectives read only their windows (with the trend's), check-ins and survey rounds too.
        let objectives = json(&answer(dir, now, &["objective", "status", "--format", "json"]));
        let measured =
            objectives.as_array().map_or(0, |a| a.iter().filter(|o| o["samples"].as_u64() > Some(0)).count());
        assert!(measured > 10, "{now}: {measured} objectives measured");
    }
    // Check-ins (quarterly) and survey answers (each December) are in the trend's windows.
    let objectives = json(&answer(dir, crate::common::NOW, &["objective", "status", "--format", "json"]));
    let measured_by = |measure: &str| {
        objectives.as_array().into_iter().flatten().any(|o| {
            o["measure"] == measure
                && o["trend"].as_array().into_iter().flatten().any(|p| p["samples"].as_u64() > Some(0))
        })
    };
    assert!(measured_by("checkin") && measured_by("survey.comfort"), "check-ins and survey answers are read");
    let now = crate::common::NOW;
    for week in ["2025-W47", "2026-W13", "2026-W47"] {
        let entries = json(&answer(dir, now, &["log", "list", "--week", week, "--format", "json"]));
        assert!(!entries.as_array().is_some_and(Vec::is_empty), "{week}");
    }
    let since = json(&answer(dir, now, &["log", "list", "--since", "2026-10-01", "--format", "json"]));
    let open =
        json(&answer(dir, now, &["log", "list", "--since", "2025-01-01", "--open", "--format", "json"]));
    assert!(since.as_array().is_some_and(|a| a.len() > 20) && open.as_array().is_some_and(|a| !a.is_empty()));
    let id = since[5]["id"].as_str().expect("an id");
    answer(dir, now, &["log", "show", id, "--format", "json"]);
    answer(dir, now, &["log", "show", &id[..13]]);
}

#[test]
fn a_term_longer_than_usual_is_read_whole() {
    let t = crate::common::example_repo();
    let dir = t.path();
    // Paul stays on from 2026-W30 to 2026-W46, as after a chain of swaps.
    for week in 30..=46 {
        let path = format!("rota/2026-W{week}.toml");
        let text = std::fs::read_to_string(dir.join(&path)).expect("a rota week");
        let text =
            text.replace("crew = [\"", "crew = [\"paul\", \"").replace("\"paul\", \"paul\"", "\"paul\"");
        std::fs::write(dir.join(&path), text).expect("write");
    }
    git(dir, &["commit", "-qam", "test: paul stays"]);
    let who =
        json(&answer(dir, crate::common::NOW, &["who", "--at", "2026-08-05 12:00", "--format", "json"]));
    let paul =
        who["crew"].as_array().and_then(|c| c.iter().find(|m| m["id"] == "paul")).expect("paul on watch");
    assert_eq!(paul["term_starts"], "2026-07-20T10:00:00+02:00");
    assert_eq!(paul["term_ends"], "2026-11-16T10:00:00+01:00");
    let when = json(&answer(dir, crate::common::NOW, &["when", "paul", "--format", "json"]));
    assert!(
        when.as_array().is_some_and(|t| t.iter().any(|t| t["first"] == "2026-W30" && t["weeks"] == 17)),
        "{when}"
    );
}

#[test]
fn an_entry_left_open_leaves_status_and_check_says_so() {
    let t = crate::common::example_repo();
    let dir = t.path();
    let a = wb(dir)
        .args([
            "log",
            "incident",
            "Forgotten outage",
            "--started",
            "2026-07-01 10:00",
            "--as",
            "alice",
            "-m",
            "x",
        ])
        .assert()
        .success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).expect("an id").to_string();
    let status = stdout(&wb(dir).arg("status").assert().success());
    assert!(!status.contains(&id), "{status}");
    let open = stdout(&wb(dir).args(["log", "list", "--open", "--since", "2026-06-01"]).assert().success());
    assert!(open.contains(&id), "{open}");
    let check = stdout(&wb(dir).arg("check").assert().success());
    assert!(check.contains(&format!("logbook/2026-W27/{id}.md: warning[stale-open]")), "{check}");
    assert!(check.contains(&format!("watchbill log update {id} --restored TIME --fixed TIME")), "{check}");
}

#[test]
fn a_scoped_read_reads_only_its_weeks() {
    use watchbill::model::{Needs, Weeks};
    use watchbill::store::{CacheUse, Reader, Revision};
    let t = organisation();
    let w = |s: &str| s.parse::<watchbill::time::IsoWeek>().expect("a week");
    for rev in [Revision::WorkTree, Revision::Rev("HEAD".into())] {
        let mut reader = Reader::open(t.path(), &rev, CacheUse::Use).expect("open");
        let base: Vec<String> = reader.read(Needs::CREW).expect("read").into_iter().map(|f| f.path).collect();
        assert_eq!(base, vec!["crew.toml", "watchbill.toml"]);
        let week = Needs::rota_in(Weeks::between(w("2026-W10"), w("2026-W11")));
        let rota: Vec<String> = reader.read(week).expect("read").into_iter().map(|f| f.path).collect();
        assert_eq!(rota, vec!["rota/2026-W10.toml", "rota/2026-W11.toml"], "{rev:?}");
        let log = reader.read(Needs::logbook_in(Weeks::between(w("2026-W10"), w("2026-W10")))).expect("read");
        assert!(log.len() > 3 && log.iter().all(|f| f.path.starts_with("logbook/2026-W10/")), "{rev:?}");
        // What was read is not read again.
        assert!(reader
            .read(Needs::rota_in(Weeks::between(w("2026-W10"), w("2026-W10"))))
            .expect("read")
            .is_empty());
    }
}

/// A record the property test adds to the example: dated anywhere from mid-2025 to early 2027,
/// and often named or filed so that only its contents say when it happened.
#[derive(Clone, Debug)]
enum Extra {
    /// A check-in taken `day` days after 2025-06-01 at `hour` UTC, named for `named` days later
    /// (-1, 0 or 1: a name written in another zone; -400: a lying name, refused), or with no
    /// date in its name at all.
    Checkin { day: i64, hour: u32, named: Option<i64>, value: u32 },
    /// A survey answer given `day` days after 2025-06-01, in the round of its quarter, of the
    /// quarter before (a late answer), a round not named for a quarter, or a round two years
    /// old (refused).
    Answer { day: i64, member: usize, comfort: u32, round: u8 },
    /// An incident started `day` days after 2025-06-01 at `hour` UTC, restored `minutes` later,
    /// fixed or left open, filed under the week of its watch, or `filed` weeks off it (a week
    /// either way, as a hand-moved file; thirty weeks back: both misfiled, refused as
    /// `wrong-week` by every read).
    Incident { day: i64, hour: u32, minutes: i64, fixed: bool, filed: i64 },
    /// An objective of one of [`OBJECTIVE_MEASURES`] over one of [`OBJECTIVE_WINDOWS`]: each
    /// kind of record is read over the windows of the objectives that measure it, so windows of
    /// every length on every kind must leave the answers those of a full read.
    Objective { measure: usize, window: usize },
}

/// A measure of each kind of record an objective can look at, with its aggregate and target.
const OBJECTIVE_MEASURES: [(&str, &str); 7] = [
    ("measure = \"count(handovers)\"\naggregate = \"count\"\ntarget = \">= 3\"", "handovers"),
    ("measure = \"count(captains)\"\naggregate = \"count\"\ntarget = \">= 3\"", "captains"),
    ("measure = \"count(incidents)\"\naggregate = \"count\"\ntarget = \"<= 30\"", "incidents"),
    (
        "measure = \"restored - started\"\nunit = \"minutes\"\naggregate = \"median\"\ntarget = \"< 90\"",
        "restored",
    ),
    ("measure = \"tickets\"\nunit = \"count\"\naggregate = \"mean\"\ntarget = \"< 2\"", "tickets"),
    (
        "measure = \"survey.comfort\"\nunit = \"score\"\nbound = \">= 3\"\naggregate = \"share\"\ntarget = \">= 50%\"",
        "comfort",
    ),
    ("measure = \"checkin\"\nunit = \"percent\"\naggregate = \"max\"\ntarget = \">= 80%\"", "checkin"),
];

const OBJECTIVE_WINDOWS: [&str; 6] = ["7d", "30d", "13w", "month", "quarter", "year"];

fn extra() -> impl proptest::strategy::Strategy<Value = Extra> {
    use proptest::prelude::*;
    prop_oneof![
        (
            0i64..600,
            0u32..24,
            prop_oneof![Just(None), (-1i64..=1).prop_map(Some), Just(Some(-400))],
            0u32..=100
        )
            .prop_map(|(day, hour, named, value)| Extra::Checkin { day, hour, named, value }),
        (0i64..600, 0usize..6, 1u32..=5, 0u8..4).prop_map(|(day, member, comfort, round)| Extra::Answer {
            day,
            member,
            comfort,
            round
        }),
        (
            0i64..600,
            12u32..20,
            1i64..600,
            any::<bool>(),
            prop_oneof![3 => Just(0i64), 1 => Just(-1), 1 => Just(1), 1 => Just(-30)]
        )
            .prop_map(|(day, hour, minutes, fixed, filed)| Extra::Incident {
                day,
                hour,
                minutes,
                fixed,
                filed
            }),
        (0..OBJECTIVE_MEASURES.len(), 0..OBJECTIVE_WINDOWS.len())
            .prop_map(|(measure, window)| Extra::Objective { measure, window }),
    ]
}

/// The path and text of an extra record (the `n`th, for unique names).
fn extra_file(e: &Extra, n: usize) -> (String, String) {
    use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
    let start = NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date");
    let at = |day: i64, hour: u32| {
        Utc.from_utc_datetime(&(start + Duration::days(day)).and_hms_opt(hour, 0, 0).expect("a time"))
    };
    let quarter = |d: NaiveDate| format!("{}-q{}", d.year(), d.month0() / 3 + 1);
    match *e {
        Extra::Checkin { day, hour, named, value } => {
            let t = at(day, hour);
            let name = match named {
                Some(off) => format!("{}-alice-g{n:03}", (t + Duration::days(off)).format("%Y%m%dT%H%M")),
                None => format!("by-hand-{n}"),
            };
            (
                format!("checkins/runbook-coverage/{name}.toml"),
                format!("value = {value}\nat = {}\nby = \"alice\"\n", t.to_rfc3339()),
            )
        }
        Extra::Answer { day, member, comfort, round } => {
            let d = start + Duration::days(day);
            let round = match round {
                0 => quarter(d),
                1 => quarter(d - Duration::days(60)),
                2 => "kick-off".to_string(),
                _ => quarter(d - Duration::days(730)),
            };
            let member = ["alice", "bruno", "chloe", "david", "emma", "farid"][member];
            (format!("surveys/{round}/{member}.toml"), format!("comfort = {comfort}\nanswered = {d}\n"))
        }
        Extra::Objective { measure, window } => {
            let (body, name) = OBJECTIVE_MEASURES[measure];
            let window = OBJECTIVE_WINDOWS[window];
            (
                format!("objectives/generated-{name}-{n}.toml"),
                format!("title = \"Generated {n}\"\n{body}\nwindow = \"{window}\"\n"),
            )
        }
        Extra::Incident { day, hour, minutes, fixed, filed } => {
            let t = at(day, hour);
            let folder = (t + Duration::weeks(filed)).iso_week();
            let week = format!("{}-W{:02}", folder.year(), folder.week());
            let restored = t + Duration::minutes(minutes);
            let fixed = if fixed {
                format!("fixed = {}\n", (restored + Duration::hours(3)).to_rfc3339())
            } else {
                String::new()
            };
            (
                format!("logbook/{week}/{}-generated-{n}.md", t.format("%Y%m%dT%H%M")),
                format!(
                    "+++\nkind = \"incident\"\ntitle = \"Generated {n}\"\nauthor = \"alice\"\nseverity = \"minor\"\nstarted = {}\ndetected = {}\nalerted = {}\nacknowledged = {}\nrestored = {}\n{fixed}+++\n\nGenerated.\n",
                    t.to_rfc3339(), t.to_rfc3339(), t.to_rfc3339(), t.to_rfc3339(), restored.to_rfc3339()
                ),
            )
        }
    }
}

/// Every read command, with the options that change what it reads.
const READ_COMMANDS: &[&[&str]] = &[
    &["who"],
    &["who", "--at", "2026-03-30", "--format", "json"],
    &["when", "alice"],
    &["when", "bruno", "--all", "--format", "json"],
    &["rota", "show"],
    &["rota", "show", "--from", "2026-W01", "--weeks", "6", "--format", "json"],
    &["rota", "ics"],
    &["status"],
    &["status", "--format", "json"],
    &["log", "list"],
    &["log", "list", "--since", "2026-01-01", "--format", "json"],
    &["log", "list", "--since", "2025-01-01", "--open"],
    &["log", "list", "--week", "2026-W20"],
    &["log", "show", "20261004T0359-api-latency-above-2-s-ugak"],
    &["log", "show", "20261001T2242", "--format", "json"],
    &["objective", "status"],
    &["objective", "status", "--format", "json"],
    &["objective", "status", "--at", "2026-06-30"],
    &["objective", "list"],
    &["objective", "roadmap"],
    &["maturity", "show"],
    &["maturity", "show", "--format", "json"],
    &["crew", "list", "--format", "json"],
    &["render", "summary", "--format", "json"],
    &["render", "scoreboard", "--format", "text"],
    &["render", "journal", "--format", "md"],
    &["render", "rota", "--format", "html"],
    &["templates", "list"],
    &["check"],
];

/// Item 4 of issue 13: whatever the repository holds, a scoped read prints what a full read
/// prints, byte for byte, with the same exit code, for every read command and at any time.
/// (A scoped read may warn on stderr about fewer broken files: it did not read the others.)
#[test]
fn every_read_command_answers_a_scoped_read_as_a_full_read() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let t = crate::common::example_repo();
    let dir = t.path();
    let mut runner = TestRunner::new(Config { cases: 12, failure_persistence: None, ..Config::default() });
    let nows = prop_oneof![
        Just("2025-12-01T12:00:00+01:00"),
        Just("2026-03-30T10:00:00+02:00"),
        Just("2026-07-01T09:59:00+02:00"),
        Just(crate::common::NOW),
        Just("2027-01-10T12:00:00+01:00"),
    ];
    let result = runner.run(&(proptest::collection::vec(extra(), 1..25), nows), |(extras, now)| {
        let files: Vec<(String, String)> = extras.iter().enumerate().map(|(n, e)| extra_file(e, n)).collect();
        for (path, text) in &files {
            let full = dir.join(path);
            std::fs::create_dir_all(full.parent().expect("a folder")).expect("mkdir");
            std::fs::write(&full, text).expect("write");
        }
        let mut differs = None;
        for args in READ_COMMANDS {
            let (scoped, full) = (output(dir, now, false, args), output(dir, now, true, args));
            if (scoped.status.code(), &scoped.stdout) != (full.status.code(), &full.stdout) {
                differs = Some(format!(
                    "{args:?} at {now}:\n--- scoped ({:?})\n{}\n--- full ({:?})\n{}",
                    scoped.status.code(),
                    String::from_utf8_lossy(&scoped.stdout),
                    full.status.code(),
                    String::from_utf8_lossy(&full.stdout)
                ));
                break;
            }
        }
        for (path, _) in &files {
            let _ = std::fs::remove_file(dir.join(path));
        }
        match differs {
            Some(d) => Err(TestCaseError::fail(d)),
            None => Ok(()),
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// The cache of parsed records (issue 20): whatever happens to the files, a read with the cache
// answers what a read without it answers.

/// `watchbill -C dir --now NOW args…`, with the cache or with `--no-cache`.
fn cached(dir: &Path, cache: bool, args: &[&str]) -> std::process::Output {
    let mut p = crate::common::wb_proc(dir);
    if !cache {
        p.arg("--no-cache");
    }
    p.args(args).output().expect("watchbill runs")
}

/// Every read command of the cache's property test: all kinds of records, the working tree and
/// revisions, JSON where there is some.
const CACHE_READS: &[&[&str]] = &[
    &["who", "--format", "json"],
    &["when", "alice", "--format", "json"],
    &["status", "--format", "json"],
    &["objective", "status", "--format", "json"],
    &["objective", "list"],
    &["check", "--format", "json"],
    &["check", "--rev", "HEAD", "--format", "json"],
    &["log", "list", "--since", "2025-01-01", "--format", "json"],
    &["rota", "show", "--format", "json"],
    &["handover", "--no-edit", "--dry-run"],
    &["maturity", "show", "--format", "json"],
    &["render", "summary", "--format", "json"],
    &["crew", "list", "--format", "json"],
    &["review", "--base", "side", "--format", "json"],
];

/// One step of the property test: a write through watchbill, a checkout, or a hand edit.
#[derive(Clone, Debug)]
enum Edit {
    Note(u8),
    Incident {
        hour: u8,
        restored: bool,
    },
    /// `log update` of the `pick`th entry of the current week.
    Update {
        pick: usize,
        tickets: u8,
    },
    CrewAdd(u8),
    /// `git checkout -f` of `main` or `side` (hand edits are dropped).
    Checkout {
        side: bool,
    },
    /// The `pick`th logbook file, its mtime set an hour back and seen so by a read with the
    /// cache, then rewritten by hand with the same size and its mtime put back: the stat data a
    /// cache of mtime and size would trust, with other bytes.
    SameMtime {
        pick: usize,
    },
    /// The `pick`th logbook file rewritten by hand just now (racy).
    ByHand {
        pick: usize,
    },
    /// Every file's mtime an hour back, as if time had passed.
    Age,
}

fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
    use proptest::prelude::*;
    prop_oneof![
        any::<u8>().prop_map(Edit::Note),
        (0u8..9, any::<bool>()).prop_map(|(hour, restored)| Edit::Incident { hour, restored }),
        (any::<usize>(), 0u8..50).prop_map(|(pick, tickets)| Edit::Update { pick, tickets }),
        (0u8..4).prop_map(Edit::CrewAdd),
        any::<bool>().prop_map(|side| Edit::Checkout { side }),
        any::<usize>().prop_map(|pick| Edit::SameMtime { pick }),
        any::<usize>().prop_map(|pick| Edit::ByHand { pick }),
        Just(Edit::Age),
    ]
}

const TITLE: &[u8] = b"title = \"";

/// Where the title of a record begins in its bytes, if it begins with an ASCII letter.
fn title_at(bytes: &[u8]) -> Option<usize> {
    let at = bytes.windows(TITLE.len()).position(|w| w == TITLE)? + TITLE.len();
    bytes.get(at).is_some_and(u8::is_ascii_alphabetic).then_some(at)
}

/// The `pick`th logbook entry of the working tree with a title to change.
fn logbook_file(dir: &Path, pick: usize) -> std::path::PathBuf {
    let files: Vec<std::path::PathBuf> = files_under(dir)
        .into_iter()
        .filter(|p| p.starts_with("logbook/"))
        .map(|p| dir.join(p))
        .filter(|p| std::fs::read(p).ok().as_deref().and_then(title_at).is_some())
        .collect();
    files[pick % files.len()].clone()
}

/// Rewrites the file in place (same inode, same size) with one letter of its title changed.
fn change_a_letter(path: &Path) {
    use std::io::Write;
    let mut bytes = std::fs::read(path).expect("read");
    let at = title_at(&bytes).expect("a title");
    bytes[at] = if bytes[at] == b'Q' { b'Z' } else { b'Q' };
    let mut f = std::fs::OpenOptions::new().write(true).open(path).expect("open");
    f.write_all(&bytes).expect("write");
}

fn set_mtime(path: &Path, at: std::time::SystemTime) {
    let f = std::fs::OpenOptions::new().write(true).open(path).expect("open");
    f.set_modified(at).expect("set mtime");
}

/// Applies an edit; whether it wrote something (a write may be refused: an id taken twice, an
/// update of an entry the branch does not have).
fn apply_edit(dir: &Path, e: &Edit) -> bool {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let wb = |args: &[&str]| cached(dir, true, args).status.success();
    match e {
        Edit::Note(n) => wb(&["log", "note", &format!("Note {n}"), "-m", "by the test"]),
        Edit::Incident { hour, restored } => {
            let started = format!("2026-11-23 0{hour}:00");
            let mut args = vec!["log", "incident", "Generated by the test", "--started", &started, "-m", "x"];
            if *restored {
                args.extend(["--restored", "2026-11-23 09:00"]);
            }
            wb(&args)
        }
        Edit::Update { pick, tickets } => {
            let list = cached(dir, false, &["log", "list", "--format", "json"]);
            let list: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON");
            let ids: Vec<&str> =
                list.as_array().expect("a list").iter().filter_map(|e| e["id"].as_str()).collect();
            match ids.get(pick % ids.len().max(1)) {
                Some(id) => wb(&["log", "update", id, "--tickets", &tickets.to_string()]),
                None => false,
            }
        }
        Edit::CrewAdd(n) => wb(&[
            "crew",
            "add",
            &format!("new{n}"),
            "--name",
            &format!("New Member {n}"),
            "--team",
            "certif",
            "--email",
            &format!("new{n}@example.org"),
        ]),
        Edit::Checkout { side } => {
            git(dir, &["checkout", "-q", "-f", if *side { "side" } else { "main" }]);
            true
        }
        Edit::SameMtime { pick } => {
            let file = logbook_file(dir, *pick);
            set_mtime(&file, hour_ago);
            // The cache takes the file's stat data now, an hour after its mtime: not racy.
            assert!(cached(dir, true, &["check"]).status.code().is_some());
            change_a_letter(&file);
            set_mtime(&file, hour_ago);
            true
        }
        Edit::ByHand { pick } => {
            change_a_letter(&logbook_file(dir, *pick));
            true
        }
        Edit::Age => {
            for path in git(dir, &["ls-files", "-co", "--exclude-standard"]).lines() {
                set_mtime(&dir.join(path), hour_ago);
            }
            true
        }
    }
}

/// Issue 20: for random sequences of edits (through watchbill, through `git checkout`, by hand
/// with the same mtime), every read command prints with the cache what it prints without it,
/// byte for byte, on both streams, with the same exit code.
#[test]
fn every_read_command_answers_with_the_cache_as_without_it() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let t = crate::common::example_repo();
    let dir = t.path();
    // A branch to check out and review against: an entry and a crew member main does not have.
    git(dir, &["checkout", "-q", "-b", "side"]);
    assert!(apply_edit(dir, &Edit::Note(255)) && apply_edit(dir, &Edit::CrewAdd(9)));
    git(dir, &["checkout", "-q", "main"]);
    let mut runner = TestRunner::new(Config { cases: 12, failure_persistence: None, ..Config::default() });
    let wrote = std::cell::Cell::new(0);
    let result = runner.run(&proptest::collection::vec(edit(), 1..6), |edits| {
        for e in &edits {
            wrote.set(wrote.get() + usize::from(apply_edit(dir, e)));
        }
        for args in CACHE_READS {
            let (with, without) = (cached(dir, true, args), cached(dir, false, args));
            if (with.status.code(), &with.stdout, &with.stderr)
                != (without.status.code(), &without.stdout, &without.stderr)
            {
                return Err(TestCaseError::fail(format!(
                    "{args:?} after {edits:?}:\n--- with the cache ({:?})\n{}{}\n--- without ({:?})\n{}{}",
                    with.status.code(),
                    String::from_utf8_lossy(&with.stdout),
                    String::from_utf8_lossy(&with.stderr),
                    without.status.code(),
                    String::from_utf8_lossy(&without.stdout),
                    String::from_utf8_lossy(&without.stderr),
                )));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(wrote.get() > 12, "the edits changed the files: {}", wrote.get());
    assert!(dir.join(".git/watchbill").is_dir(), "the reads kept a cache");
}

/// `check`'s trace of the cache (`WATCHBILL_CACHE_TRACE`): files read, taken from the cache,
/// of those vouched for by their stat data (not read), with the check's JSON answer.
fn traced_check(dir: &Path) -> ((usize, usize, usize), Vec<u8>) {
    let out = crate::common::wb_proc(dir)
        .env("WATCHBILL_CACHE_TRACE", "1")
        .args(["check", "--format", "json"])
        .output()
        .expect("watchbill runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find_map(|l| l.strip_prefix("cache: ")).unwrap_or_else(|| panic!("{stderr}"));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().expect("a count"))
        .collect();
    assert_eq!(n.len(), 4, "{line}");
    assert_eq!(n[0] - n[1], n[3], "{line}");
    ((n[0], n[1], n[2]), out.stdout)
}

/// Waits until no file of the working tree is racy for the cache any more: its mtime and its
/// ctime (which no one can put back) two seconds behind the clock. The only wait of the suite's
/// cache tests, needed to see files vouched for by their stat data.
fn wait_until_not_racy(dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    let latest = files_under(dir)
        .iter()
        .filter_map(|p| std::fs::symlink_metadata(dir.join(p)).ok())
        .map(|m| m.mtime().max(m.ctime()))
        .max()
        .expect("files");
    let now =
        || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    while (now() as i64) < latest + 3 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The cache's files, with their bytes.
fn cache_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let common = git(dir, &["rev-parse", "--git-common-dir"]);
    let cache = dir.join(common.trim()).join("watchbill");
    let mut files = Vec::new();
    for version in std::fs::read_dir(&cache).expect("a cache").flatten() {
        for f in std::fs::read_dir(version.path()).expect("a folder").flatten() {
            files.push((f.path(), std::fs::read(f.path()).expect("read")));
        }
    }
    files.sort();
    files
}

/// Issue 20: `check` on an unchanged repository reads the cache, not the files: every file's
/// parse comes from the cache and its blob from its stat data, and the cache is not written.
#[test]
fn check_on_an_unchanged_repository_is_served_from_the_cache() {
    let t = crate::common::example_repo();
    let dir = t.path();
    let fresh = cached(dir, false, &["check", "--format", "json"]);
    assert!(!dir.join(".git/watchbill").exists(), "--no-cache keeps nothing");
    let ((files, hits, _), cold) = traced_check(dir);
    assert!(files > 40 && hits == 0, "a cold cache has nothing: {files} files, {hits} hits");
    assert_eq!(cold, fresh.stdout);
    wait_until_not_racy(dir);
    // The first look after the files settle records their stat data as trustworthy…
    let (_, warm) = traced_check(dir);
    let before = cache_files(dir);
    let mtimes: Vec<_> =
        before.iter().map(|(p, _)| std::fs::metadata(p).and_then(|m| m.modified()).expect("mtime")).collect();
    // …and from then on nothing is read or parsed, and nothing written.
    let (counts, again) = traced_check(dir);
    assert_eq!(counts, (files, files, files), "(files, from the cache, by stat data)");
    assert_eq!((&warm, &again), (&fresh.stdout, &fresh.stdout));
    let after = cache_files(dir);
    assert_eq!(before, after, "the cache is not rewritten");
    let mtimes_after: Vec<_> =
        after.iter().map(|(p, _)| std::fs::metadata(p).and_then(|m| m.modified()).expect("mtime")).collect();
    assert_eq!(mtimes, mtimes_after);
    // An edit is seen: one file read and parsed, the rest still from the cache.
    crate::common::wb(dir).args(["log", "note", "One more", "-m", "x"]).assert().success();
    let ((files_now, hits_now, _), edited) = traced_check(dir);
    assert_eq!((files_now, hits_now), (files + 1, files), "only the new entry is parsed");
    assert_eq!(edited, cached(dir, false, &["check", "--format", "json"]).stdout);
    // `WATCHBILL_NO_CACHE=1` is `--no-cache`: everything parsed afresh.
    let off = crate::common::wb_proc(dir)
        .env("WATCHBILL_CACHE_TRACE", "1")
        .env("WATCHBILL_NO_CACHE", "1")
        .arg("check")
        .output()
        .expect("watchbill runs");
    let trace =
        format!("cache: {} files, 0 from the cache (0 by their stat data), {} parsed", files + 1, files + 1);
    assert!(
        String::from_utf8_lossy(&off.stderr).contains(&trace),
        "{}",
        String::from_utf8_lossy(&off.stderr)
    );
}

/// A cache file truncated, garbled, emptied or written by another version of watchbill is
/// ignored without a word, the answers are those of a fresh read, and the file is replaced by a
/// whole one.
#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_replaced() {
    let t = crate::common::example_repo();
    let dir = t.path();
    let reads: &[&[&str]] = &[
        &["check", "--format", "json"],
        &["status", "--format", "json"],
        &["log", "list", "--format", "json"],
    ];
    let fresh: Vec<_> = reads.iter().map(|a| cached(dir, false, a)).collect();
    let (_, _) = traced_check(dir);
    let good = cache_files(dir);
    assert!(good.len() > 5, "a file per folder: {}", good.len());
    type Damage = fn(&[u8]) -> Vec<u8>;
    let damages: &[(&str, Damage)] = &[
        ("truncated", |b| b[..b.len() / 2].to_vec()),
        ("one byte short", |b| b[..b.len() - 1].to_vec()),
        ("garbled", |b| b.iter().enumerate().map(|(i, x)| if i == b.len() / 3 { !x } else { *x }).collect()),
        ("empty", |_| Vec::new()),
        ("garbage", |_| b"not a cache at all\n".to_vec()),
        ("another version, checksum right", |b| {
            // The header: magic (8 bytes), format (4), the version's length (1) and bytes.
            let mut other = b.to_vec();
            other[13] = b'9';
            let body = other.len() - 8;
            let sum = watchbill::documents::quick_hash(&other[..body]).to_le_bytes();
            other[body..].copy_from_slice(&sum);
            other
        }),
    ];
    for (what, damage) in damages {
        for (path, bytes) in &good {
            std::fs::write(path, damage(bytes)).expect("damage");
        }
        for (args, fresh) in reads.iter().zip(&fresh) {
            let out = cached(dir, true, args);
            assert_eq!(
                (out.status.code(), &out.stdout, &out.stderr),
                (fresh.status.code(), &fresh.stdout, &fresh.stderr),
                "{what}: {args:?}"
            );
        }
        // Replaced: the next read takes every file's parse from the cache.
        let ((files, hits, _), _) = traced_check(dir);
        assert_eq!(hits, files, "{what}: the cache was rebuilt whole");
    }
    // A cache of another format lives in another folder and is never read.
    let old = dir.join(".git/watchbill/cache-v1");
    std::fs::create_dir_all(&old).expect("mkdir");
    std::fs::write(old.join("rota.bin"), b"WBCACHE\0\x01\0\0\0garbage").expect("write");
    let out = cached(dir, true, reads[0]);
    assert_eq!((&out.stdout, &out.stderr), (&fresh[0].stdout, &fresh[0].stderr));
}

/// A linked worktree (`git worktree add`) keeps no cache of its own: it shares the one in the
/// common git folder, and each worktree answers for its own files.
#[test]
fn linked_worktrees_share_the_cache_and_answer_for_their_own_files() {
    let t = crate::common::example_repo();
    let main = t.path();
    let other = tempfile::tempdir().expect("tempdir");
    let linked = other.path().join("linked");
    git(main, &["worktree", "add", "-q", "-b", "linked", linked.to_str().expect("utf-8"), "HEAD"]);
    let ((files, hits, _), _) = traced_check(main);
    assert_eq!(hits, 0);
    // The linked worktree's files hold the same blobs: their parses are the main one's.
    let ((linked_files, linked_hits, _), out) = traced_check(&linked);
    assert_eq!((linked_files, linked_hits), (files, files));
    assert_eq!(out, cached(&linked, false, &["check", "--format", "json"]).stdout);
    assert!(!linked.join(".git").is_dir(), "a linked worktree's .git is a file");
    assert!(main.join(".git/watchbill").is_dir(), "the cache is in the common git folder");
    // Different files on each side: each answers for its own.
    crate::common::wb(&linked)
        .args(["log", "note", "Only on the linked branch", "-m", "x"])
        .assert()
        .success();
    crate::common::wb(main)
        .args(["crew", "add", "zed", "--name", "Zed Main", "--team", "certif"])
        .assert()
        .success();
    for dir in [main, linked.as_path(), main, linked.as_path()] {
        for args in
            [&["check", "--format", "json"][..], &["log", "list", "--format", "json"], &["crew", "list"]]
        {
            let (with, without) = (cached(dir, true, args), cached(dir, false, args));
            assert_eq!(
                (with.status.code(), &with.stdout),
                (without.status.code(), &without.stdout),
                "{args:?}"
            );
        }
    }
    let list = |dir: &Path| String::from_utf8_lossy(&cached(dir, true, &["log", "list"]).stdout).into_owned();
    assert!(
        list(&linked).contains("Only on the linked branch") && !list(main).contains("Only on the linked")
    );
}

/// Four `check`s at once on a cold cache all answer as a fresh read does, and leave a whole
/// cache (no temporary file, every parse found by the next read).
#[test]
fn concurrent_reads_on_a_cold_cache_answer_right_and_leave_a_whole_cache() {
    let t = crate::common::example_repo();
    let dir = t.path();
    let fresh = cached(dir, false, &["check", "--format", "json"]);
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(dir.join(".git/watchbill"));
        let running: Vec<_> = (0..4)
            .map(|_| {
                crate::common::wb_proc(dir)
                    .args(["check", "--format", "json"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawns")
            })
            .collect();
        for child in running {
            let out = child.wait_with_output().expect("runs");
            assert_eq!(
                (out.status.code(), &out.stdout, &out.stderr),
                (fresh.status.code(), &fresh.stdout, &fresh.stderr)
            );
        }
        let left: Vec<_> = cache_files(dir)
            .into_iter()
            .map(|(p, _)| p.file_name().expect("a name").to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        let ((files, hits, _), out) = traced_check(dir);
        assert_eq!((hits, &out), (files, &fresh.stdout), "every parse is in the cache, whole");
    }
}
