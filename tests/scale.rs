//! Large histories: the generated organisation of `init --example --years N --members M`, and the
//! commands that read only part of the history giving the same answers as a full read.
//! Speed itself is measured by `cargo bench` and scripts/bench.sh, not here.

mod common;

use common::{git, stdout, wb};
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
    assert!(common::stderr(&a).contains("already holds rota"), "{}", common::stderr(&a));
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
