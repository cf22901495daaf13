//! The logbook through the real binary: entries from the terminal and the editor, updates in
//! place, the weekly handover (also on a branch), the daily status, and merging two clones.

use crate::common::*;
use std::path::Path;

fn entry_files(dir: &Path, week: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("logbook").join(week))
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.retain(|n| n != "handover.md");
    v.sort();
    v
}

/// An editor: a script that runs `body` with the file as $1.
fn editor(dir: &Path, body: &str) -> String {
    let path = dir.join("editor.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    format!("sh {}", path.display())
}

#[test]
fn incident_from_the_terminal_is_one_commit_under_its_week() {
    let t = example_repo();
    let before = entry_files(t.path(), "2026-W47");
    let a = wb(t.path())
        .args(["log", "incident", "API latency above 2 s", "--severity", "major", "--service", "api"])
        .args(["--started", "2026-11-23 08:40", "--alerted", "2026-11-23 08:40:30", "--restored", "now"])
        .args(["--tickets", "3", "-m", "Restarted the pods."])
        .assert()
        .success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).expect("prints the id").to_string();
    assert!(id.starts_with("20261123T0840-api-latency-above-2-s-"), "{id}");
    let after = entry_files(t.path(), "2026-W47");
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(
        git(t.path(), &["log", "-1", "--format=%s"]).trim(),
        "logbook: incident \"API latency above 2 s\" (2026-W47)"
    );
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
    let text = std::fs::read_to_string(t.path().join(format!("logbook/2026-W47/{id}.md"))).unwrap();
    assert!(text.contains("author = \"alice\""), "author from git's e-mail: {text}");
    assert!(text.contains("started = 2026-11-23T08:40:00+01:00"), "{text}");
    assert!(text.contains("restored = 2026-11-23T09:00:00+01:00"), "{text}");
    assert!(text.ends_with("+++\n\nRestarted the pods.\n"), "{text}");
    wb(t.path()).arg("check").assert().code(0);
}

#[test]
fn an_unknown_author_must_say_who_they_are() {
    let t = example_repo();
    let a = wb(t.path())
        .env("GIT_AUTHOR_EMAIL", "stranger@example.org")
        .args(["log", "note", "Hello", "-m", "x"])
        .assert()
        .code(2);
    assert!(stderr(&a).contains("--as MEMBER"), "{}", stderr(&a));
    wb(t.path())
        .env("GIT_AUTHOR_EMAIL", "stranger@example.org")
        .args(["log", "note", "Hello", "-m", "x", "--as", "bruno"])
        .assert()
        .success();
}

#[test]
fn the_editor_writes_the_entry_and_an_empty_file_aborts() {
    let t = example_repo();
    let ed = editor(t.path(), "printf 'Edited in the editor.\\n' >> \"$1\"");
    let a = wb(t.path())
        .env("EDITOR", &ed)
        .args(["log", "incident", "Disk full", "--started", "2026-11-23 07:00"])
        .assert()
        .success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).unwrap().to_string();
    let text = std::fs::read_to_string(t.path().join(format!("logbook/2026-W47/{id}.md"))).unwrap();
    assert!(text.contains("## Timeline") && text.ends_with("Edited in the editor.\n"), "{text}");

    let n = commits(t.path());
    let files = entry_files(t.path(), "2026-W47");
    let empty = editor(t.path(), ": > \"$1\"");
    let a = wb(t.path())
        .env("EDITOR", &empty)
        .args(["log", "incident", "Nothing", "--started", "2026-11-23 07:10"])
        .assert()
        .code(3);
    assert!(stderr(&a).contains("left empty"), "{}", stderr(&a));
    assert_eq!(commits(t.path()), n, "nothing committed");
    assert_eq!(entry_files(t.path(), "2026-W47"), files, "nothing written");
}

#[test]
fn update_edits_the_front_matter_and_keeps_the_body() {
    let t = example_repo();
    let a = wb(t.path())
        .args([
            "log",
            "incident",
            "Login 502",
            "--started",
            "2026-11-23 08:00",
            "-m",
            "Body\n\n  kept as is  ",
        ])
        .assert()
        .success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).unwrap().to_string();
    let path = t.path().join(format!("logbook/2026-W47/{id}.md"));
    let before = std::fs::read_to_string(&path).unwrap();
    let body = &before[before.rfind("+++\n").unwrap()..];
    wb(t.path())
        .args(["log", "update", &id[..20], "--restored", "2026-11-23 08:07", "--tickets", "2"])
        .assert()
        .success();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("restored = 2026-11-23T08:07:00+01:00") && after.contains("tickets = 2"),
        "{after}"
    );
    assert!(after.ends_with(body), "the body is kept byte for byte:\n{after}");
    assert!(git(t.path(), &["log", "-1", "--format=%s"])
        .starts_with("logbook: update \"Login 502\": restored, tickets"));
    let list = stdout(&wb(t.path()).args(["log", "list", "--format", "json"]).assert().success());
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let mine = v.as_array().unwrap().iter().find(|e| e["id"] == id.as_str()).expect("listed");
    assert_eq!(mine["open"], true, "restored but not fixed is still open");
    assert_eq!(mine["times"]["restored"], "2026-11-23T08:07:00+01:00");
    // A time out of order is refused by the write gate, with check's located diagnostic.
    let head = git(t.path(), &["rev-parse", "HEAD"]);
    let refused = wb(t.path()).args(["log", "update", &id, "--fixed", "2026-11-23 08:05"]).assert().code(3);
    let err = stderr(&refused);
    assert!(err.contains(&format!("{id}.md:")) && err.contains("error[timestamp-order]"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after, "nothing written");
    assert_eq!(git(t.path(), &["rev-parse", "HEAD"]), head, "nothing committed");
    wb(t.path()).arg("check").assert().success();
}

#[test]
fn worksites_stay_open_until_closed() {
    let t = example_repo();
    let a = wb(t.path())
        .args(["log", "note", "Move cron jobs", "--ongoing", "-m", "Half done."])
        .assert()
        .success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).unwrap().to_string();
    let open = stdout(
        &wb(t.path())
            .args(["log", "list", "--open", "--since", "2026-11-01", "--format", "json"])
            .assert()
            .success(),
    );
    assert!(open.contains(&id), "{open}");
    wb(t.path()).args(["log", "update", &id, "--close"]).assert().success();
    let open = stdout(
        &wb(t.path())
            .args(["log", "list", "--open", "--since", "2026-11-01", "--format", "json"])
            .assert()
            .success(),
    );
    assert!(!open.contains(&id), "{open}");
}

#[test]
fn handover_drafts_from_the_week_and_confirms_the_next_crew() {
    let t = example_repo();
    wb(t.path())
        .args([
            "log",
            "incident",
            "Redis evicting sessions",
            "--started",
            "2026-11-23 08:00",
            "--restored",
            "2026-11-23 08:06",
            "-m",
            "x",
        ])
        .assert()
        .success();
    wb(t.path()).args(["handover", "--no-edit"]).assert().success();
    let text = std::fs::read_to_string(t.path().join("logbook/2026-W47/handover.md")).unwrap();
    assert!(text.contains("week = \"2026-W47\""), "{text}");
    assert!(text.contains("**Redis evicting sessions**") && text.contains("restored after 6 min"), "{text}");
    assert!(text.contains("hands over to"), "{text}");
    let w48 = std::fs::read_to_string(t.path().join("rota/2026-W48.toml")).unwrap();
    assert!(w48.contains("status = \"confirmed\""), "{w48}");
    let shown = git(t.path(), &["show", "--name-only", "--format=%s", "HEAD"]);
    assert!(shown.starts_with("logbook: handover 2026-W47: "), "{shown}");
    assert!(
        shown.contains("logbook/2026-W47/handover.md") && shown.contains("rota/2026-W48.toml"),
        "{shown}"
    );
    wb(t.path()).arg("check").assert().code(0);
}

#[test]
fn handover_on_a_branch_leaves_the_checkout_alone() {
    let t = example_repo();
    std::fs::write(t.path().join("scratch.txt"), "mine\n").unwrap();
    let head = git(t.path(), &["rev-parse", "HEAD"]);
    wb(t.path()).args(["handover", "--no-edit", "--branch"]).assert().success();
    assert_eq!(git(t.path(), &["rev-parse", "HEAD"]), head, "the user's branch did not move");
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "?? scratch.txt\n");
    assert!(!t.path().join("logbook/2026-W47/handover.md").exists());
    let files = git(t.path(), &["show", "--name-only", "--format=%P", "handover/2026-W47"]);
    assert!(files.starts_with(head.trim()), "the branch starts from HEAD: {files}");
    assert!(files.contains("logbook/2026-W47/handover.md"), "{files}");
}

#[test]
fn status_shows_the_watch_and_what_is_open() {
    let t = example_repo();
    wb(t.path())
        .args(["log", "incident", "Search index stale", "--started", "2026-11-23 08:30", "-m", "x"])
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&wb(t.path()).args(["status", "--format", "json"]).assert().success()))
            .unwrap();
    assert_eq!(v["week"], "2026-W47");
    assert_eq!(v["watch_ends"], "2026-11-23T10:00:00+01:00");
    assert_eq!(v["crew"].as_array().unwrap().len(), 2);
    assert!(v["open"].as_array().unwrap().iter().any(|e| e["title"] == "Search index stale"), "{v:#}");
    let text = stdout(&wb(t.path()).arg("status").assert().success());
    assert!(text.contains("Handover: due in"), "{text}");
}

#[test]
fn two_clones_add_entries_and_merge_without_conflict() {
    let t = example_repo();
    let base = tempfile::tempdir().unwrap();
    let bare = base.path().join("origin.git");
    git(base.path(), &["clone", "-q", "--bare", t.path().to_str().unwrap(), bare.to_str().unwrap()]);
    let one = base.path().join("one");
    let two = base.path().join("two");
    for c in [&one, &two] {
        git(base.path(), &["clone", "-q", bare.to_str().unwrap(), c.to_str().unwrap()]);
    }
    for (c, who) in [(&one, "alice"), (&two, "bruno")] {
        // The same title at the same minute on both sides: names still differ.
        wb(c)
            .args(["log", "incident", "Same minute", "--started", "2026-11-23 08:15", "--as", who, "-m", who])
            .assert()
            .success();
        wb(c).args(["log", "note", &format!("Note by {who}"), "--as", who, "-m", "x"]).assert().success();
    }
    git(&one, &["push", "-q", "origin", "main"]);
    git(&two, &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
    let files = entry_files(&two, "2026-W47");
    assert_eq!(files.iter().filter(|f| f.contains("same-minute")).count(), 2, "{files:?}");
    assert_eq!(files.iter().filter(|f| f.contains("note-by")).count(), 2, "{files:?}");
    wb(&two).arg("check").assert().code(0);
}
