//! One core for every command: the write gate (every write command is refused, exit 3, with
//! check's located diagnostic and nothing written or committed, when its change would add an
//! error `watchbill check` reports; errors already elsewhere never block a write), the time rules,
//! and closed pipes.

use crate::common::*;
use std::path::Path;

/// Runs a write command that must be refused by the gate, and returns its stderr after checking
/// that the working tree and the branch are as they were.
fn refused(dir: &Path, args: &[&str], code: &str, located: &str) -> String {
    let before = head(dir);
    let a = wb(dir).args(args).assert().code(3);
    let err = stderr(&a);
    assert!(err.contains(&format!("error[{code}]")), "{args:?} should be refused for {code}:\n{err}");
    assert!(err.contains(located), "{args:?}: the diagnostic should name {located}:\n{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(head(dir), before, "{args:?} committed nothing");
    assert_eq!(git(dir, &["status", "--porcelain"]), "", "{args:?} wrote nothing");
    wb(dir).arg("check").assert().success();
    err
}

/// Logs an incident started at `started` and returns its id.
fn incident(dir: &Path, started: &str) -> String {
    let a = wb(dir)
        .args(["log", "incident", "Login 502", "--as", "alice", "--started", started, "-m", "x"])
        .assert()
        .success();
    stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).expect("an id").to_string()
}

#[test]
fn log_update_refuses_a_restore_before_the_start() {
    let t = example_repo();
    let id = incident(t.path(), "2026-11-23 08:00");
    let err =
        refused(t.path(), &["log", "update", &id, "--restored", "2026-11-23 07:00"], "timestamp-order", &id);
    assert!(err.contains(":7:"), "located to the line of `restored`:\n{err}");
}

#[test]
fn log_update_refuses_a_start_in_another_week() {
    let t = example_repo();
    let id = incident(t.path(), "2026-11-23 08:00");
    let err = refused(t.path(), &["log", "update", &id, "--started", "2026-11-10 07:00"], "wrong-week", &id);
    assert!(err.contains("logbook/2026-W46/"), "says where it would belong:\n{err}");
}

#[test]
fn log_update_dry_run_is_refused_the_same() {
    let t = example_repo();
    let id = incident(t.path(), "2026-11-23 08:00");
    refused(
        t.path(),
        &["log", "update", &id, "--fixed", "2026-11-23 07:59", "--dry-run"],
        "timestamp-order",
        &id,
    );
}

#[test]
fn crew_add_refuses_a_duplicate_email() {
    let t = example_repo();
    refused(
        t.path(),
        &["crew", "add", "bob2", "--name", "Bob", "--team", "certif", "--email", "alice@example.org"],
        "duplicate-email",
        "crew.toml:",
    );
}

#[test]
fn crew_edit_refuses_a_duplicate_email() {
    let t = example_repo();
    refused(
        t.path(),
        &["crew", "edit", "farid", "--email", "alice@example.org"],
        "duplicate-email",
        "crew.toml:",
    );
}

#[test]
fn survey_refuses_an_answer_dated_after_today() {
    let t = example_repo();
    refused(
        t.path(),
        &["survey", "alice", "4", "--round", "2026-x1", "--answered", "2026-11-24"],
        "future-date",
        "surveys/2026-x1/alice.toml:",
    );
}

#[test]
fn assess_refuses_an_assessment_dated_after_today() {
    let t = example_repo();
    refused(
        t.path(),
        &["assess", "--date", "2026-12-01", "--level", "stability=2"],
        "future-date",
        "assessments/2026-12-01.toml",
    );
}

#[test]
fn crew_edit_refuses_to_make_a_captain_on_watch_inactive() {
    let t = example_repo();
    refused(t.path(), &["crew", "edit", "paul", "--active", "false"], "inactive", "rota/2026-W48.toml:4:8");
}

#[test]
fn crew_away_refuses_time_away_during_a_confirmed_watch() {
    let t = example_repo();
    // louis is on watch in 2026-W47, confirmed, until 10:00 today.
    let err = refused(
        t.path(),
        &["crew", "away", "louis", "--from", "2026-11-23", "--to", "2026-11-23"],
        "away",
        "rota/2026-W47.toml:",
    );
    assert!(err.contains("watchbill rota swap 2026-W47 louis"), "says how to free the week first:\n{err}");
}

#[test]
fn crew_away_during_a_planned_watch_re_plans_it_in_the_same_commit() {
    let t = example_repo();
    let before = commits(t.path());
    let a = wb(t.path())
        .args(["crew", "away", "louis", "--from", "2026-11-24", "--to", "2026-11-26"])
        .assert()
        .success();
    assert!(
        stdout(&a).contains("rota/2026-W48.toml") && stdout(&a).contains("re-planned: "),
        "{}",
        stdout(&a)
    );
    assert_eq!(commits(t.path()), before + 1, "one commit: crew.toml and the rota together");
    wb(t.path()).arg("check").assert().success();
}

#[test]
fn an_error_already_in_another_file_does_not_block_a_write() {
    let t = example_repo();
    // A broken objective, committed last week: the 3 a.m. incident is still logged.
    commit_file(t.path(), "objectives/broken.toml", "name = \"x\"\nmeasure = 12\n");
    wb(t.path()).arg("check").assert().code(1);
    let before = commits(t.path());
    wb(t.path())
        .args(["log", "incident", "DB full", "--as", "alice", "-m", "disk at 100%"])
        .assert()
        .success();
    assert_eq!(commits(t.path()), before + 1);
}

#[test]
fn init_escapes_the_crew_name() {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--name", "Ops \"night\" crew\\"]).assert().success();
    wb(t.path()).arg("check").assert().success();
    let text = std::fs::read_to_string(t.path().join("watchbill.toml")).expect("written");
    let settings: toml::Table = toml::from_str(&text).expect("valid TOML");
    assert_eq!(settings["name"].as_str(), Some("Ops \"night\" crew\\"), "{text}");
}

// ---- time -----------------------------------------------------------------------------------

#[test]
fn now_from_the_clock_is_the_crews_local_second() {
    let t = example_repo();
    let a = wb_clock(t.path()).args(["log", "note", "Clock", "--as", "alice", "-m", "x"]).assert().success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).expect("an id").to_string();
    let path =
        git(t.path(), &["ls-files", "logbook"]).lines().find(|p| p.contains(&id)).expect("filed").to_string();
    let text = std::fs::read_to_string(t.path().join(&path)).expect("written");
    let at = text.lines().find_map(|l| l.strip_prefix("at = ")).expect("an `at`").trim().to_string();
    // 2026-11-23T02:06:22+01:00: seconds, no fraction, Paris's offset (+01:00 or +02:00).
    assert_eq!(at.len(), 25, "{at}");
    assert!(at.ends_with("+01:00") || at.ends_with("+02:00"), "{at}");
    // The id's time is the same local wall clock.
    let stamp = format!("{}{}{}T{}{}", &at[0..4], &at[5..7], &at[8..10], &at[11..13], &at[14..16]);
    assert!(id.starts_with(&stamp), "{id} begins with {stamp}");
}

#[test]
fn ids_use_the_crews_clock_whatever_offset_the_time_was_given_in() {
    let t = example_repo();
    let id = incident(t.path(), "2026-11-23T07:30:00+00:00");
    assert!(id.starts_with("20261123T0830-"), "{id}");
}

#[test]
fn years_outside_1_to_9999_in_the_crews_zone_are_refused() {
    let t = example_repo();
    let before = head(t.path());
    let last = "9999-12-31T23:59:59-12:00";
    for (now, args) in [
        (last, vec!["survey", "alice", "4"]),
        (last, vec!["assess", "--level", "stability=2"]),
        (
            crate::common::NOW,
            vec![
                "log",
                "incident",
                "x",
                "--as",
                "alice",
                "-m",
                "x",
                "--started",
                "0001-01-01T00:30:00+01:00",
            ],
        ),
    ] {
        let err = stderr(&wb_clock(t.path()).arg("--now").arg(now).args(&args).assert().code(2));
        assert!(err.contains("outside the years 1 to 9999"), "{args:?}: {err}");
    }
    assert_eq!(head(t.path()), before);
}

#[test]
fn survey_refuses_an_inactive_member() {
    let t = example_repo();
    wb(t.path())
        .args(["crew", "add", "ghost", "--name", "G", "--team", "certif", "--inactive"])
        .assert()
        .success();
    let before = head(t.path());
    let err = stderr(&wb(t.path()).args(["survey", "ghost", "3", "--round", "2026-x1"]).assert().code(3));
    assert!(err.contains("inactive"), "{err}");
    assert_eq!(head(t.path()), before);
}

#[test]
fn local_times_take_seconds() {
    let t = example_repo();
    let id = incident(t.path(), "2026-11-23 08:00:30");
    let text = std::fs::read_to_string(t.path().join(format!("logbook/2026-W47/{id}.md"))).expect("written");
    assert!(text.contains("started = 2026-11-23T08:00:30+01:00"), "{text}");
}

/// `maturity show --at DATE` counts that day and nothing of the next: the example holds an
/// assessment dated 2026-03-31.
#[test]
fn maturity_show_at_a_date_ends_with_that_day() {
    let t = example_repo();
    let dates = |at: &str| {
        let v = json(t.path(), &["maturity", "show", "--at", at, "--format", "json"]);
        v[0]["history"].as_array().expect("history").iter().map(|h| h["date"].to_string()).collect::<Vec<_>>()
    };
    assert!(!dates("2026-03-30").iter().any(|d| d.contains("2026-03-31")), "{:?}", dates("2026-03-30"));
    assert!(dates("2026-03-31").iter().any(|d| d.contains("2026-03-31")));
}

/// `objective status --at DATE`: a check-in at the next midnight is not counted.
#[test]
fn objective_status_at_a_date_ends_with_that_day() {
    let t = example_repo();
    commit_file(
        t.path(),
        "checkins/runbook-coverage/20261121T0000-alice-zzzz.toml",
        "value = 99\nat = 2026-11-21T00:00:00+01:00\nby = \"alice\"\n",
    );
    let value = |at: &str| {
        let v = json(t.path(), &["objective", "status", "--at", at, "--format", "json"]);
        let o =
            v.as_array().expect("objectives").iter().find(|o| o["id"] == "runbook-coverage").expect("listed");
        o["value"].as_f64()
    };
    assert_ne!(value("2026-11-20"), Some(99.0));
    assert_eq!(value("2026-11-20 23:59:59"), value("2026-11-20"));
    assert_eq!(value("2026-11-21"), Some(99.0));
}

/// `who --at DATE` is who is on watch at the last second of that day.
#[test]
fn who_at_a_date_is_the_end_of_that_day() {
    let t = example_repo();
    let who = |at: &str| stdout(&wb(t.path()).args(["who", "--at", at]).assert().success());
    assert_eq!(who("2026-11-22"), who("2026-11-22 23:59:59"));
    assert_ne!(who("2026-11-23"), who("2026-11-23 00:00"), "the handover at 10:00 is inside the day");
}

// ---- closed pipes ---------------------------------------------------------------------------

/// Runs `args` with standard output a pipe whose reader is already closed: every write to it
/// fails with EPIPE, as when `head` has exited.
fn closed_pipe(dir: &Path, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut p = wb_proc(dir);
    p.args(args).stdout(writer).stderr(std::process::Stdio::piped());
    p.spawn().expect("runs").wait_with_output().expect("ends")
}

#[test]
fn a_read_into_a_closed_pipe_ends_quietly_with_exit_0() {
    let t = example_repo();
    for args in [
        &["log", "list", "--since", "2026-01-01"][..],
        &["check"],
        &["crew", "list", "--format", "json"],
        &["rota", "show"],
        &["objective", "status"],
        &["render", "summary"],
        &["man"],
        &["completions", "bash"],
    ] {
        let out = closed_pipe(t.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked") && err.trim().is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn a_write_into_a_closed_pipe_commits_and_reports_success() {
    let t = example_repo();
    let before = commits(t.path());
    let out = closed_pipe(t.path(), &["log", "note", "Piped", "--as", "alice", "-m", "x"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(commits(t.path()), before + 1);
    wb(t.path()).arg("check").assert().success();
}
