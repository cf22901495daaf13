//! Helpers shared by the integration tests: a real binary in real temporary git repositories.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;
use std::process::Command as Proc;

/// A Monday before the 10:00 handover: the watch of 2026-W47 is on.
pub const NOW: &str = "2026-11-23T09:00:00+01:00";

/// Environment that makes git and watchbill deterministic and independent of the machine.
pub fn env(cmd: &mut Proc) -> &mut Proc {
    cmd.env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "alice@example.org")
        .env("GIT_AUTHOR_DATE", "2026-11-23T09:00:00+01:00")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "alice@example.org")
        .env("GIT_COMMITTER_DATE", "2026-11-23T09:00:00+01:00")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env_remove("WATCHBILL_NOW")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
}

/// `watchbill -C dir …` with the test environment and `--now` pinned.
pub fn wb(dir: &Path) -> Command {
    Command::from_std(wb_proc(dir))
}

/// The same as a plain process, for tests that spawn, race or kill it.
pub fn wb_proc(dir: &Path) -> Proc {
    let mut p = Proc::new(assert_cmd::cargo::cargo_bin!("watchbill"));
    env(&mut p);
    p.arg("-C").arg(dir).arg("--now").arg(NOW);
    p
}

/// Runs git in `dir` and returns its stdout; panics with stderr when git fails (test setup).
pub fn git(dir: &Path, args: &[&str]) -> String {
    let mut p = Proc::new("git");
    env(&mut p);
    let out = p.current_dir(dir).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new git repository with a fresh `watchbill init`.
pub fn init_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    git(t.path(), &["init", "-q", "-b", "main"]);
    wb(t.path()).arg("init").assert().success();
    t
}

/// A new git repository holding the example crew.
pub fn example_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example"]).assert().success();
    t
}

/// Writes a file and commits it with git.
pub fn commit_file(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(&full, text).expect("write");
    git(dir, &["add", path]);
    git(dir, &["commit", "-q", "-m", &format!("test: {path}")]);
}

pub fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

pub fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// `watchbill -C dir …` with the test environment but the real clock (no `--now`).
pub fn wb_clock(dir: &Path) -> Command {
    let mut p = Proc::new(assert_cmd::cargo::cargo_bin!("watchbill"));
    env(&mut p);
    p.arg("-C").arg(dir);
    Command::from_std(p)
}

/// Runs `watchbill args` (with `--now` pinned), which must succeed, and parses its JSON output.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = stdout(&wb(dir).args(args).assert().success());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The number of commits on HEAD.
pub fn commits(dir: &Path) -> usize {
    git(dir, &["rev-list", "--count", "HEAD"]).trim().parse().expect("a count")
}

/// HEAD's commit id.
pub fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}
