//! Nothing lost: many processes writing to one repository at once, and clones that diverge and
//! merge with plain `git pull`.
//!
//! The store promises one commit per command, built from the branch tip and moved with a
//! compare-and-swap, and one file per appended record. These tests hold it to that with the real
//! binary: every record lands, in its own commit, and git finds nothing wrong afterwards.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Barrier;

/// Writers started at once, and records each one adds (the figures: 16 × 25 = 400).
const WRITERS: usize = 16;
const ENTRIES_EACH: usize = 25;

/// One command of one writer: its arguments (after `watchbill -C DIR --now NOW`) and extra
/// environment (to write as another member).
#[derive(Clone, Debug)]
struct Job {
    args: Vec<String>,
    env: Vec<(String, String)>,
}

fn job(args: &[&str]) -> Job {
    Job { args: args.iter().map(|s| s.to_string()).collect(), env: Vec::new() }
}

/// Runs each writer's jobs in turn, all writers at once (released together by a barrier), a new
/// watchbill process per job; returns what failed, to report every failure at the end.
fn race(dir: &Path, writers: Vec<Vec<Job>>) -> Vec<String> {
    let start = Barrier::new(writers.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = writers
            .iter()
            .enumerate()
            .map(|(w, jobs)| {
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    let mut failed = Vec::new();
                    for j in jobs {
                        let out = wb_proc(dir)
                            .args(&j.args)
                            .envs(j.env.iter().map(|(k, v)| (k, v)))
                            .output()
                            .expect("watchbill runs");
                        if !out.status.success() {
                            failed.push(format!(
                                "writer {w}: watchbill {:?} exited {:?}: {}",
                                j.args,
                                out.status.code(),
                                String::from_utf8_lossy(&out.stderr)
                            ));
                        }
                    }
                    failed
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("writer thread")).collect()
    })
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

/// The paths each commit after `since` touched, oldest first.
fn paths_per_commit(dir: &Path, since: &str) -> Vec<Vec<String>> {
    let log =
        git(dir, &["log", "--reverse", "--format=tformat:@commit", "--name-only", &format!("{since}..HEAD")]);
    let mut commits: Vec<Vec<String>> = Vec::new();
    for line in log.lines() {
        if line == "@commit" {
            commits.push(Vec::new());
        } else if !line.is_empty() {
            commits.last_mut().expect("a commit line first").push(line.to_string());
        }
    }
    commits
}

/// Titles of the logbook entries of a week, with how many entries carry each.
fn titles(dir: &Path, week: &str) -> BTreeMap<String, usize> {
    let json = stdout(&wb(dir).args(["log", "list", "--week", week, "--format", "json"]).assert().success());
    let entries: serde_json::Value = serde_json::from_str(&json).expect("json");
    let mut out = BTreeMap::new();
    for e in entries.as_array().expect("an array") {
        *out.entry(e["title"].as_str().expect("a title").to_string()).or_insert(0) += 1;
    }
    out
}

/// `git fsck` finds nothing wrong (unreachable objects left by lost races are not wrong).
fn assert_fsck_clean(dir: &Path) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["fsck", "--strict", "--no-dangling", "--no-progress"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git fsck runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.trim().is_empty(), "git fsck: {text}");
}

fn entry_jobs(w: usize) -> Vec<Job> {
    (0..ENTRIES_EACH)
        .map(|i| {
            let title = format!("writer {w} entry {i}");
            job(&["log", "incident", &title, "--as", "alice", "--severity", "minor", "-m", &title])
        })
        .collect()
}

#[test]
fn sixteen_writers_lose_nothing() {
    let t = example_repo();
    let before = head(t.path());
    let before_titles = titles(t.path(), "2026-W47");
    let mut writers: Vec<Vec<Job>> = (0..WRITERS).map(entry_jobs).collect();
    // A rota swap rewrites a file in the middle of the stream of new files.
    writers[0]
        .insert(ENTRIES_EACH / 2, job(&["rota", "swap", "2026-W50", "manon", "hugo", "--reason", "race"]));

    let failures = race(t.path(), writers);
    assert!(failures.is_empty(), "{} command(s) failed:\n{}", failures.len(), failures.join("\n"));

    // Every command is one commit holding exactly the file it wrote.
    let commits = paths_per_commit(t.path(), &before);
    assert_eq!(commits.len(), WRITERS * ENTRIES_EACH + 1);
    for paths in &commits {
        assert_eq!(paths.len(), 1, "a commit with other than one file: {paths:?}");
    }
    let written: BTreeSet<&str> = commits.iter().map(|p| p[0].as_str()).collect();
    assert_eq!(written.len(), commits.len(), "every commit wrote a different file");
    assert!(written.contains("rota/2026-W50.toml"));

    // Every record is there once, and the swap too.
    let mut expected = before_titles;
    for w in 0..WRITERS {
        for i in 0..ENTRIES_EACH {
            *expected.entry(format!("writer {w} entry {i}")).or_insert(0) += 1;
        }
    }
    assert_eq!(titles(t.path(), "2026-W47"), expected);
    let week = std::fs::read_to_string(t.path().join("rota/2026-W50.toml")).expect("rota week");
    assert!(week.contains("replacement = \"hugo\""), "{week}");

    // The checkout is in line with the branch, git is sound, and the files hold every rule.
    assert_eq!(git(t.path(), &["status", "--porcelain", "--untracked-files=all"]), "");
    assert!(!t.path().join(".git/watchbill-index.lock").exists());
    assert_fsck_clean(t.path());
    wb(t.path()).arg("check").assert().code(0);
}

/// The members of the example crew and their e-mails, to write check-ins as each of them.
fn members_with_email(dir: &Path) -> Vec<(String, String)> {
    let json = stdout(&wb(dir).args(["crew", "list", "--format", "json"]).assert().success());
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    v.as_array()
        .expect("an array")
        .iter()
        .filter(|m| m["active"] == true)
        .filter_map(|m| Some((m["id"].as_str()?.to_string(), m["email"].as_str()?.to_string())))
        .collect()
}

#[test]
fn sixteen_writers_with_check_ins_lose_nothing() {
    let t = example_repo();
    let before = head(t.path());
    let members = members_with_email(t.path());
    assert!(members.len() >= WRITERS, "one member per writer: {members:?}");
    let checkins_each = 3;
    let writers: Vec<Vec<Job>> = (0..WRITERS)
        .map(|w| {
            let (_, email) = &members[w];
            let mut jobs = entry_jobs(w);
            for i in 0..checkins_each {
                let mut j = job(&["objective", "checkin", "runbook-coverage", &format!("{}", 50 + i)]);
                j.args.extend(["--note".to_string(), format!("writer {w} check-in {i}")]);
                j.env.push(("GIT_AUTHOR_EMAIL".into(), email.clone()));
                // Interleaved with the entries, not all at the end.
                jobs.insert(i * 8, j);
            }
            jobs
        })
        .collect();
    let failures = race(t.path(), writers);
    assert!(failures.is_empty(), "{} command(s) failed:\n{}", failures.len(), failures.join("\n"));
    let commits = paths_per_commit(t.path(), &before);
    assert_eq!(commits.len(), WRITERS * (ENTRIES_EACH + checkins_each));
    assert!(commits.iter().all(|p| p.len() == 1), "one file per commit");
    let checkins = commits.iter().filter(|p| p[0].starts_with("checkins/runbook-coverage/")).count();
    assert_eq!(checkins, WRITERS * checkins_each);
    assert_eq!(git(t.path(), &["status", "--porcelain", "--untracked-files=all"]), "");
    assert_fsck_clean(t.path());
    wb(t.path()).arg("check").assert().code(0);
}

/// The records each clone adds: entries, a handover, a survey answer and a check-in.
fn diverge(clone: &Path, who: &str, handover_week: &str) {
    for i in 0..3 {
        let title = format!("{who} incident {i}");
        wb(clone).args(["log", "incident", &title, "--as", who, "-m", &title]).assert().success();
    }
    wb(clone).args(["log", "note", &format!("{who} note"), "--as", who, "-m", "x"]).assert().success();
    wb(clone).args(["handover", "--week", handover_week, "--no-edit", "--as", who]).assert().success();
    wb(clone).args(["survey", who, "4", "--round", "2026-q4"]).assert().success();
    wb(clone).args(["objective", "checkin", "runbook-coverage", "61", "--as", who]).assert().success();
}

/// Every file under the watchbill folders in a checkout, by path, with its bytes.
fn record_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let listing = git(dir, &["ls-files", "logbook", "rota", "surveys", "checkins"]);
    listing.lines().map(|p| (p.to_string(), std::fs::read(dir.join(p)).expect("a tracked file"))).collect()
}

#[test]
fn two_clones_diverge_and_merge_with_git_pull() {
    let t = example_repo();
    let base = tempfile::tempdir().expect("tempdir");
    let bare = base.path().join("origin.git");
    git(
        base.path(),
        &["clone", "-q", "--bare", t.path().to_str().expect("utf-8"), bare.to_str().expect("utf-8")],
    );
    let one = base.path().join("one");
    let two = base.path().join("two");
    for c in [&one, &two] {
        git(base.path(), &["clone", "-q", bare.to_str().expect("utf-8"), c.to_str().expect("utf-8")]);
        // Plain `git pull`: a merge, as git does by default, not a rebase.
        git(c, &["config", "pull.rebase", "false"]);
    }
    let start = record_files(&one);
    diverge(&one, "oceane", "2026-W47");
    diverge(&two, "louis", "2026-W48");
    // What each side added or changed, laid over the common start: no path on both sides.
    let changes = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        record_files(dir).into_iter().filter(|(p, b)| start.get(p) != Some(b)).collect()
    };
    let (ours, theirs) = (changes(&one), changes(&two));
    assert!(ours.keys().all(|p| !theirs.contains_key(p)), "both sides wrote one path");
    assert!(ours.len() >= 8 && theirs.len() >= 8, "{:?} {:?}", ours.keys(), theirs.keys());
    let mut expected = start.clone();
    expected.extend(ours);
    expected.extend(theirs);

    git(&one, &["push", "-q", "origin", "main"]);
    git(&two, &["pull", "-q", "--no-edit"]);
    assert_eq!(record_files(&two), expected, "the merge holds every record of both sides");
    git(&two, &["push", "-q", "origin", "main"]);
    git(&one, &["pull", "-q", "--no-edit"]);
    assert_eq!(head(&one), head(&two));

    let merge = git(&two, &["log", "-1", "--format=%P", "HEAD"]);
    assert_eq!(merge.split_whitespace().count(), 2, "a real merge, not a fast-forward");
    for handover in ["logbook/2026-W47/handover.md", "logbook/2026-W48/handover.md"] {
        assert!(expected.contains_key(handover), "{handover}");
    }
    assert_eq!(git(&two, &["status", "--porcelain"]), "");
    assert_fsck_clean(&two);
    wb(&two).arg("check").assert().code(0);
}
