//! One core for every command: the write gate (every write command is refused, exit 3, with
//! check's located diagnostic and nothing written or committed, when its change would add an
//! error `watchbill check` reports; errors already elsewhere never block a write), the time rules,
//! and closed pipes.

use crate::common::*;
use std::path::Path;

/// Runs a write command that must be refused by the gate, and returns its stderr after checking
/// that the working tree and the branch are as they were.
fn refused(dir: &Path, args: &[&str], code: &str, located: &str) -> String {
    refused_with(dir, wb(dir).args(args), code, located)
}

/// [`refused`] for a command set up by the caller (an editor in its environment). The
/// diagnostic must be as `check` prints it: `path:line:column: error[code]: …`.
fn refused_with(dir: &Path, cmd: &mut assert_cmd::Command, code: &str, located: &str) -> String {
    let before = head(dir);
    let a = cmd.assert().code(3);
    let err = stderr(&a);
    let line = err.lines().find(|l| l.contains(&format!(": error[{code}]: "))).unwrap_or_else(|| {
        panic!("should be refused for {code}:\n{err}");
    });
    let place = line.split(": error[").next().unwrap_or_default();
    let mut parts = place.rsplitn(3, ':');
    let (col, row, path) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
    let number = |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    assert!(number(col) && number(row), "located to a line and column: {line}");
    assert!(
        place.contains(located) || path.contains(located),
        "the diagnostic should name {located}: {line}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(head(dir), before, "committed nothing");
    assert_eq!(git(dir, &["status", "--porcelain"]), "", "wrote nothing");
    wb(dir).arg("check").assert().success();
    err
}

/// An editor (`GIT_EDITOR`) that rewrites the line beginning with `key = ` of the file it is
/// given: a person's edit, which the gate judges like any other.
fn editor_setting(key: &str, value: &str) -> String {
    format!("sed -i 's/^{key} = .*/{key} = {value}/'")
}

/// The crew of `week` on the rota.
fn crew_of(dir: &Path, week: &str) -> Vec<String> {
    let v = json(dir, &["rota", "show", "--from", week, "--weeks", "1", "--format", "json"]);
    v[0]["crew"].as_array().expect("a crew").iter().map(|c| c.as_str().expect("an id").to_string()).collect()
}

/// An active member not on watch in `week`.
fn free_in(dir: &Path, week: &str) -> String {
    let busy = crew_of(dir, week);
    let crew = json(dir, &["crew", "list", "--format", "json"]);
    crew.as_array()
        .expect("members")
        .iter()
        .filter(|m| m["active"] == true)
        .filter_map(|m| m["id"].as_str())
        .find(|id| !busy.iter().any(|b| b == id))
        .expect("someone free")
        .to_string()
}

/// A new crew of one member, two captains a week: any plan is a crew short.
fn crew_of_one() -> tempfile::TempDir {
    let t = init_repo();
    wb(t.path()).args(["crew", "team", "ops", "--name", "Ops"]).assert().success();
    wb(t.path())
        .args(["crew", "add", "alice", "--name", "Alice", "--team", "ops", "--email", "alice@example.org"])
        .assert()
        .success();
    t
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

/// `--started` in another week moves the file to that week's folder, in one commit, so what
/// is committed is what `check` accepts (it would say `wrong-week` of the file left behind).
#[test]
fn log_update_moves_an_entry_started_in_another_week() {
    let t = example_repo();
    let id = incident(t.path(), "2026-11-23 08:00");
    let before = commits(t.path());
    let a = wb(t.path()).args(["log", "update", &id, "--started", "2026-11-10 07:00"]).assert().success();
    assert_eq!(commits(t.path()), before + 1, "one commit");
    let files = git(t.path(), &["show", "--name-status", "--no-renames", "--format=%s", "HEAD"]);
    assert!(files.contains(&format!("logbook/2026-W46/{id}.md")), "{files}");
    assert!(files.contains(&format!("D\tlogbook/2026-W47/{id}.md")), "the old place is removed:\n{files}");
    assert!(files.contains("moved to 2026-W46"), "the message says so:\n{files}");
    let said = format!("wrote logbook/2026-W46/{id}.md (moved from logbook/2026-W47/{id}.md)");
    assert!(stdout(&a).contains(&said), "{}", stdout(&a));
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
    assert!(!t.path().join(format!("logbook/2026-W47/{id}.md")).exists());
    wb(t.path()).arg("check").assert().success();
    // Found again under its new week, by the beginning of its id.
    wb(t.path()).args(["log", "update", &id[..13], "--restored", "2026-11-10 08:00"]).assert().success();
    wb(t.path()).arg("check").assert().success();
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
fn log_incident_refuses_a_restore_before_the_start() {
    let t = example_repo();
    let args = [
        "log",
        "incident",
        "DB full",
        "--as",
        "alice",
        "-m",
        "x",
        "--started",
        "2026-11-23 08:00",
        "--restored",
    ];
    let err = refused(
        t.path(),
        &[&args[..], &["2026-11-23 07:00"]].concat(),
        "timestamp-order",
        "logbook/2026-W47/",
    );
    assert!(err.contains("`restored`"), "{err}");
}

#[test]
fn log_incident_refuses_a_handler_not_in_the_crew() {
    let t = example_repo();
    let args = ["log", "incident", "DB full", "--as", "alice", "--handler", "zed", "-m", "x"];
    let err = refused(t.path(), &args, "unknown-member", "logbook/2026-W47/");
    assert!(err.contains("handler `zed` is not in crew.toml"), "{err}");
}

/// Refused before the editor opens: the person's words are never written only to be thrown away.
#[test]
fn log_incident_is_judged_before_the_editor_opens() {
    let t = example_repo();
    let opened = t.path().join(".git/editor-opened");
    let mut cmd = wb(t.path());
    cmd.args(["log", "incident", "DB full", "--as", "alice", "--started", "2026-11-23 08:00"])
        .args(["--restored", "2026-11-23 07:00"])
        .env("GIT_EDITOR", format!("touch '{}' && true", opened.display()));
    refused_with(t.path(), &mut cmd, "timestamp-order", "logbook/2026-W47/");
    assert!(!opened.exists(), "the editor was not opened");
}

#[test]
fn log_note_refuses_an_edited_author_not_in_the_crew() {
    let t = example_repo();
    let mut cmd = wb(t.path());
    cmd.args(["log", "note", "Queue alert", "--as", "alice"])
        .env("GIT_EDITOR", editor_setting("author", "\"ghost\""));
    let err = refused_with(t.path(), &mut cmd, "unknown-member", "logbook/2026-W47/");
    assert_kept(&err, "author = \"ghost\"");
}

/// The person's text, refused, is kept in the file the error names.
fn assert_kept(err: &str, written: &str) {
    let path =
        err.split("your text is kept in ").nth(1).and_then(|r| r.lines().next()).unwrap_or_else(|| {
            panic!("names where the text is kept:\n{err}");
        });
    let kept = std::fs::read_to_string(path.trim()).expect("the text is kept");
    assert!(kept.contains(written), "{kept}");
    std::fs::remove_file(path.trim()).expect("removed");
}

#[test]
fn log_incident_refuses_an_edited_time_filed_under_another_week() {
    let t = example_repo();
    let mut cmd = wb(t.path());
    cmd.args(["log", "incident", "Login 502", "--as", "alice", "--started", "2026-11-23 08:00"])
        .env("GIT_EDITOR", editor_setting("started", "2026-11-02T08:00:00+01:00"));
    let err = refused_with(t.path(), &mut cmd, "wrong-week", "logbook/2026-W47/");
    // Monday 08:00 is before the 10:00 handover: the watch of the week before.
    assert!(err.contains("logbook/2026-W44/"), "says where it belongs:\n{err}");
    assert_kept(&err, "started = 2026-11-02T08:00:00+01:00");
}

#[test]
fn rota_plan_refuses_a_crew_short_of_captains() {
    let t = crew_of_one();
    refused(t.path(), &["rota", "plan", "--weeks", "2"], "crew-size", "rota/2026-W");
}

#[test]
fn rota_rotate_refuses_a_crew_short_of_captains() {
    let t = crew_of_one();
    refused(t.path(), &["rota", "rotate"], "crew-size", "rota/2026-W");
}

#[test]
fn rota_swap_refuses_a_replacement_already_on_watch() {
    let t = example_repo();
    let crew = crew_of(t.path(), "2026-W49");
    let err = refused(
        t.path(),
        &["rota", "swap", "2026-W49", &crew[0], &crew[1], "--force"],
        "double",
        "rota/2026-W49.toml",
    );
    assert!(err.contains(&format!("{} is in the crew of 2026-W49 more than once", crew[1])), "{err}");
}

#[test]
fn rota_swap_refuses_an_inactive_replacement() {
    let t = example_repo();
    let ghost = ["crew", "add", "ghost", "--name", "G", "--team", "certif", "--inactive"];
    wb(t.path()).args(ghost).assert().success();
    let crew = crew_of(t.path(), "2026-W50");
    refused(t.path(), &["rota", "swap", "2026-W50", &crew[0], "ghost"], "inactive", "rota/2026-W50.toml");
}

#[test]
fn rota_cover_refuses_a_cover_past_the_end_of_the_watch() {
    let t = example_repo();
    let member = crew_of(t.path(), "2026-W49")[0].clone();
    let by = free_in(t.path(), "2026-W49");
    // The watch of 2026-W49 ends at the handover, Monday 7 December 10:00.
    let args =
        ["rota", "cover", &member, "--by", &by, "--from", "2026-12-07 09:00", "--to", "2026-12-07 11:00"];
    let err = refused(t.path(), &args, "cover", "rota/2026-W49.toml");
    assert!(err.contains("not inside the watch"), "{err}");
}

#[test]
fn handover_refuses_an_edited_author_not_in_the_crew() {
    let t = example_repo();
    let mut cmd = wb(t.path());
    cmd.args(["handover", "--as", "alice"]).env("GIT_EDITOR", editor_setting("author", "\"ghost\""));
    let err = refused_with(t.path(), &mut cmd, "unknown-member", "logbook/2026-W47/handover.md");
    assert_kept(&err, "author = \"ghost\"");
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

/// `crew team` cannot write anything `check` rejects: the one team it adds has a new id (a
/// second team of the same id is refused before anything is judged), and `check` has no other
/// rule about a team.
#[test]
fn crew_team_refuses_a_team_that_exists_and_writes_nothing() {
    let t = example_repo();
    let before = head(t.path());
    let err = stderr(&wb(t.path()).args(["crew", "team", "certif", "--name", "Again"]).assert().code(3));
    assert!(err.contains("team `certif` already exists"), "{err}");
    assert_eq!(head(t.path()), before);
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
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
        &["status"],
        &["status", "--format", "json"],
        &["who"],
        &["when", "alice"],
        &["log", "list", "--since", "2026-01-01", "--format", "json"],
        &["rota", "ics"],
        &["crew", "list"],
        &["maturity", "show"],
    ] {
        let out = closed_pipe(t.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked") && err.trim().is_empty(), "{args:?}: {err}");
    }
}

/// `watchbill … | head -1` in a real shell pipeline: the first line, exit 0 for the command
/// (`pipefail` reports it), nothing on stderr.
#[test]
fn a_read_piped_into_head_exits_0() {
    let t = example_repo();
    let bin = assert_cmd::cargo::cargo_bin!("watchbill");
    for cmd in ["log list --since 2026-01-01", "rota ics", "check", "crew list"] {
        let line = format!(
            "set -o pipefail; '{}' -C '{}' --now {NOW} {cmd} | head -1",
            bin.display(),
            t.path().display()
        );
        let mut p = std::process::Command::new("bash");
        env(&mut p);
        let out = p.args(["-c", &line]).output().expect("bash runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{cmd}: {err}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1, "{cmd}");
        assert!(err.trim().is_empty(), "{cmd}: {err}");
    }
}

/// Into a closed pipe, a write that prints before it commits (the plan's lines, `init`'s new
/// repository) or after (the files written, the weeks re-planned) still commits, and its exit
/// code says so.
#[test]
fn writes_that_print_succeed_into_a_closed_pipe() {
    let t = example_repo();
    for args in [
        &["crew", "away", "louis", "--from", "2026-11-24", "--to", "2026-11-26"][..],
        &["rota", "plan", "--weeks", "30"],
        &["log", "incident", "Piped", "--as", "alice", "-m", "x"],
    ] {
        let before = commits(t.path());
        let out = closed_pipe(t.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(commits(t.path()), before + 1, "{args:?} committed");
        assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
    }
    wb(t.path()).arg("check").assert().success();
    // `init` says it made a repository before it commits the files into it.
    let fresh = tempfile::tempdir().expect("tempdir");
    let out = closed_pipe(fresh.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(commits(fresh.path()), 1, "init committed");
    wb(fresh.path()).arg("check").assert().success();
}

/// Standard output is written in blocks when it is not a terminal, yet what a command prints
/// and what it says on stderr keep their order when both go to one pipe (`2>&1`): the empty
/// list of requests, then why it is empty. And a long listing arrives whole.
#[test]
fn output_and_messages_into_one_pipe_keep_their_order() {
    let t = example_repo();
    let (reader, writer) = std::io::pipe().expect("a pipe");
    let mut p = wb_proc(t.path());
    let both = writer.try_clone().expect("a second end");
    p.args(["rota", "export", "pagerduty", "--schedule", "P1", "--from", "2030-W01", "--format", "json"]);
    let mut child = p.stdout(writer).stderr(both).spawn().expect("runs");
    drop(p);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut { reader }, &mut text).expect("reads");
    assert!(child.wait().expect("ends").success(), "{text}");
    assert_eq!(text, "[]\nno rota weeks from 2030-W01 for 4 weeks: plan them with `watchbill rota plan`\n");

    let listed = stdout(&wb(t.path()).args(["log", "list", "--since", "2026-01-01"]).assert().success());
    let json = json(t.path(), &["log", "list", "--since", "2026-01-01", "--format", "json"]);
    let ids: Vec<&str> = json.as_array().into_iter().flatten().filter_map(|e| e["id"].as_str()).collect();
    assert!(ids.len() > 10, "{} entries", ids.len());
    assert!(ids.iter().all(|id| listed.contains(&format!("    {id}\n"))), "{listed}");
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
