//! A good git citizen: watchbill beside real `git` in the same repository — git's locks, its
//! filters, every config source it reads, signing, hooks and sparse checkouts.

mod common;
use common::*;
use std::path::Path;
use std::process::Command as Proc;
use std::sync::atomic::{AtomicBool, Ordering};

/// `git …` in `dir` with the test environment, not asserting success.
fn git_proc(dir: &Path) -> Proc {
    let mut p = Proc::new("git");
    env(&mut p);
    p.current_dir(dir);
    p
}

fn status(dir: &Path) -> String {
    git(dir, &["status", "--porcelain"])
}

/// The user's `git commit` in a loop while watchbill writers commit: git's `index.lock` is held
/// from before our branch moves until the index holds our files, so no user commit is built
/// from an index that lacks them (it would delete our records) and nothing goes missing.
#[test]
fn a_git_commit_loop_racing_writers_deletes_nothing() {
    let repo = example_repo();
    let dir = repo.path();
    let before = git(dir, &["ls-tree", "-r", "--name-only", "HEAD", "logbook"]).lines().count();
    const WRITERS: usize = 4;
    const EACH: usize = 6;
    let done = AtomicBool::new(false);
    let (ok, user_commits) = std::thread::scope(|s| {
        let user = s.spawn(|| {
            let mut n = 0;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
            while !done.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
                let out = git_proc(dir)
                    .args(["commit", "-q", "--allow-empty", "-m", "user: empty"])
                    .output()
                    .expect("git runs");
                n += usize::from(out.status.success());
            }
            n
        });
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                s.spawn(move || {
                    let (mut ok, mut failed) = (0, Vec::new());
                    for i in 0..EACH {
                        let out = wb_proc(dir)
                            .args(["log", "note", &format!("note {w} {i}"), "-m", "body"])
                            .output()
                            .expect("watchbill runs");
                        let code = out.status.code();
                        // Exit 4: git held its lock all along; the command says so and writes nothing.
                        if code != Some(0) && code != Some(4) {
                            failed.push(format!("writer {w}: {code:?}: {}", String::from_utf8_lossy(&out.stderr)));
                        }
                        ok += usize::from(code == Some(0));
                    }
                    (ok, failed)
                })
            })
            .collect();
        let results: Vec<(usize, Vec<String>)> =
            writers.into_iter().map(|h| h.join().unwrap_or((0, vec!["a writer panicked".into()]))).collect();
        done.store(true, Ordering::Relaxed);
        let failed: Vec<String> = results.iter().flat_map(|r| r.1.clone()).collect();
        (results.iter().map(|r| r.0).sum::<usize>(), (user.join().unwrap_or(0), failed))
    });
    let (user_commits, failed) = user_commits;
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(ok > WRITERS * EACH / 2, "only {ok} of {} writes landed", WRITERS * EACH);
    assert!(user_commits > 0, "the user's loop never committed");
    let in_head = git(dir, &["ls-tree", "-r", "--name-only", "HEAD", "logbook"]).lines().count();
    assert_eq!(in_head, before + ok, "every entry watchbill committed is in HEAD");
    // No user commit deleted (or changed) anything: each is empty, as `--allow-empty` made it.
    for c in git(dir, &["log", "--format=%H", "--grep=^user: empty"]).lines() {
        let diff = git(dir, &["diff-tree", "--no-commit-id", "-r", "--name-status", c]);
        assert!(diff.trim().is_empty(), "user commit {c} changed files:\n{diff}");
    }
    assert_eq!(status(dir), "", "git status is clean");
    assert!(!dir.join(".git/index.lock").exists());
}
