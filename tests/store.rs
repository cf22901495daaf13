//! The store against real git: temporary repositories set up and inspected with the `git` CLI,
//! written through `watchbill::store`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;
use tempfile::TempDir;
use watchbill::error::Exit;
use watchbill::model::{Needs, RawFile};
use watchbill::store::{self, Base, ChangeSet, FileWrite, Outcome, Revision, Verify, WriteMode};

const DATE: &str = "2026-11-23T10:02:00+01:00";

/// The identity and date every commit in these tests gets. Set once, before any test does git
/// work, and never changed: the environment is shared by all the tests' threads.
fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("GIT_AUTHOR_NAME", "Test Author");
        std::env::set_var("GIT_AUTHOR_EMAIL", "alice@example.org");
        std::env::set_var("GIT_AUTHOR_DATE", DATE);
        std::env::set_var("GIT_COMMITTER_NAME", "Test Committer");
        std::env::set_var("GIT_COMMITTER_EMAIL", "committer@example.org");
        std::env::set_var("GIT_COMMITTER_DATE", DATE);
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CEILING_DIRECTORIES"] {
            std::env::remove_var(var);
        }
    });
}

fn git_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args).env("GIT_CONFIG_NOSYSTEM", "1").env("GIT_CONFIG_GLOBAL", "/dev/null");
    cmd
}

/// Runs git and returns its stdout; fails the test when git fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir, args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo() -> TempDir {
    setup();
    let t = tempfile::tempdir().expect("tempdir");
    git(t.path(), &["init", "-q", "-b", "main"]);
    t
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).expect("read")
}

/// A repository with one commit holding `files`.
fn committed(files: &[(&str, &str)]) -> TempDir {
    let t = repo();
    for (path, text) in files {
        write(t.path(), path, text);
    }
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "-m", "setup"]);
    t
}

fn new_file(path: &str, text: &str) -> FileWrite {
    FileWrite { path: path.into(), contents: text.as_bytes().to_vec(), base: Base::Absent }
}

fn edit(path: &str, from: &str, to: &str) -> FileWrite {
    FileWrite {
        path: path.into(),
        contents: to.as_bytes().to_vec(),
        base: Base::Bytes(from.as_bytes().to_vec()),
    }
}

fn set(message: &str, changes: Vec<FileWrite>) -> ChangeSet {
    ChangeSet { message: message.into(), changes }
}

fn commit(root: &Path, set: &ChangeSet) -> Outcome {
    match store::apply(root, set, &WriteMode::Commit, Verify::Run) {
        Ok(o) => o,
        Err(e) => panic!("apply failed: {} ({:?})", e.message, e.help),
    }
}

/// The exit code and message of a failed apply.
fn failure(root: &Path, set: &ChangeSet, mode: &WriteMode) -> (Exit, String) {
    match store::apply(root, set, mode, Verify::Run) {
        Ok(o) => panic!("apply should have failed, but it returned {o:?}"),
        Err(e) => (e.exit, e.message),
    }
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

fn pairs(files: &[RawFile]) -> Vec<(String, String)> {
    files.iter().map(|f| (f.path.clone(), String::from_utf8_lossy(&f.bytes).into_owned())).collect()
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).expect("canonicalize")
}

#[test]
fn first_commit_on_an_unborn_branch_then_a_child() {
    let t = repo();
    let first =
        commit(t.path(), &set("init: settings", vec![new_file("watchbill.toml", "name = \"ops\"\n")]));
    assert_eq!(first.branch.as_deref(), Some("main"));
    assert_eq!(first.paths, vec!["watchbill.toml"]);
    let first_id = first.commit.clone().expect("a commit");
    assert_eq!(head(t.path()), first_id);
    assert!(git_cmd(t.path(), &["rev-parse", "-q", "--verify", "HEAD^"])
        .output()
        .expect("git")
        .stdout
        .is_empty());

    let second = commit(t.path(), &set("crew: add alice", vec![new_file("crew.toml", "[alice]\n")]));
    assert_eq!(git(t.path(), &["rev-parse", "HEAD^"]).trim(), first_id);
    assert_eq!(Some(head(t.path())), second.commit);
    assert_eq!(git(t.path(), &["log", "--format=%s"]), "crew: add alice\ninit: settings\n");
    assert_eq!(
        git(t.path(), &["log", "-1", "--format=%an <%ae> %aI|%cn <%ce> %cI"]),
        format!("Test Author <alice@example.org> {DATE}|Test Committer <committer@example.org> {DATE}\n")
    );
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
    assert_eq!(read(t.path(), "crew.toml"), "[alice]\n");
}

#[test]
fn unrelated_staged_and_modified_files_stay_as_they_were() {
    let t = committed(&[("watchbill.toml", "x = 1\n"), ("tracked.txt", "one\n")]);
    write(t.path(), "other.txt", "staged\n");
    git(t.path(), &["add", "other.txt"]);
    write(t.path(), "tracked.txt", "one, edited\n");

    commit(t.path(), &set("rota: W48", vec![new_file("rota/2026-W48.toml", "crew = []\n")]));

    assert_eq!(git(t.path(), &["status", "--porcelain"]), "A  other.txt\n M tracked.txt\n");
    assert_eq!(git(t.path(), &["show", "--name-only", "--format=", "HEAD"]), "rota/2026-W48.toml\n");
    assert_eq!(read(t.path(), "tracked.txt"), "one, edited\n");
    assert_eq!(git(t.path(), &["show", ":other.txt"]), "staged\n");
}

#[test]
fn racing_writers_lose_nothing() {
    let t = repo();
    let root = t.path().to_path_buf();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let root = root.clone();
            std::thread::spawn(move || {
                for j in 0..10 {
                    let path = format!("logbook/2026-W48/w{i}-{j}.md");
                    let s =
                        set(&format!("writer {i} entry {j}"), vec![new_file(&path, &format!("{i} {j}\n"))]);
                    if let Err(e) = store::apply(&root, &s, &WriteMode::Commit, Verify::Run) {
                        panic!("writer {i} entry {j}: {} ({:?})", e.message, e.help);
                    }
                }
            })
        })
        .collect();
    for th in threads {
        th.join().expect("writer thread");
    }
    let tree = git(&root, &["ls-tree", "-r", "--name-only", "HEAD"]);
    for i in 0..8 {
        for j in 0..10 {
            assert!(tree.contains(&format!("logbook/2026-W48/w{i}-{j}.md\n")), "w{i}-{j} missing from HEAD");
        }
    }
    assert_eq!(tree.lines().count(), 80);
    assert_eq!(git(&root, &["log", "--oneline"]).lines().count(), 80);
    git(&root, &["fsck", "--no-progress"]);
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
    assert!(!root.join(".git/watchbill-index.lock").exists());
}

#[test]
fn detached_head_is_refused() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    git(t.path(), &["checkout", "-q", "--detach"]);
    let before = head(t.path());
    let (exit, msg) = failure(t.path(), &set("m", vec![new_file("crew.toml", "")]), &WriteMode::Commit);
    assert_eq!(exit, Exit::Usage);
    assert!(msg.contains("HEAD is detached"), "{msg}");
    assert_eq!(head(t.path()), before);
    assert!(!t.path().join("crew.toml").exists());
}

#[test]
fn bare_repository_is_refused() {
    setup();
    let t = tempfile::tempdir().expect("tempdir");
    git(t.path(), &["init", "-q", "--bare", "-b", "main", "x.git"]);
    let bare = t.path().join("x.git");
    let (exit, msg) = failure(&bare, &set("m", vec![new_file("crew.toml", "")]), &WriteMode::Commit);
    assert_eq!(exit, Exit::Usage);
    assert!(msg.contains("bare repository"), "{msg}");
}

#[test]
fn outside_a_repository_commit_is_refused_but_no_commit_writes() {
    setup();
    let t = tempfile::tempdir().expect("tempdir");
    let s = set("m", vec![new_file("crew.toml", "[bob]\n")]);
    let (exit, msg) = failure(t.path(), &s, &WriteMode::Commit);
    assert_eq!(exit, Exit::Usage);
    assert!(msg.contains("is not inside a git repository"), "{msg}");
    assert!(!t.path().join("crew.toml").exists());

    let out = store::apply(t.path(), &s, &WriteMode::NoCommit, Verify::Run)
        .map_err(|e| e.message)
        .expect("no-commit");
    assert_eq!(out, Outcome { commit: None, branch: None, paths: vec!["crew.toml".into()] });
    assert_eq!(read(t.path(), "crew.toml"), "[bob]\n");
}

/// Run in a child process (see `unknown_author_is_a_usage_error`): the environment there has no
/// identity at all. In a normal run it returns at once.
#[test]
fn child_without_author() {
    let Some(dir) = std::env::var_os("WATCHBILL_STORE_TEST_CHILD") else { return };
    let dir = PathBuf::from(dir);
    // The identity comes from the configuration files as git reads them (store/config.rs),
    // which honours GIT_CONFIG_NOSYSTEM, set by the parent: a machine-wide user.name cannot
    // make this pass, and libgit2's own search path need not be changed.
    let err = store::apply(
        &dir.join("repo"),
        &set("m", vec![new_file("crew.toml", "")]),
        &WriteMode::Commit,
        Verify::Run,
    )
    .expect_err("apply must fail without an author");
    assert_eq!(err.exit, Exit::Usage);
    assert_eq!(err.message, "git does not know who you are");
    assert!(err.help.unwrap_or_default().contains("git config --global user.email"));
}

#[test]
fn unknown_author_is_a_usage_error() {
    setup();
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(home.path().join("empty")).expect("mkdir");
    let repo_dir = home.path().join("repo");
    write(&repo_dir, "watchbill.toml", "x = 1\n");
    git(&repo_dir, &["init", "-q", "-b", "main"]);
    git(&repo_dir, &["add", "-A"]);
    git(&repo_dir, &["commit", "-q", "-m", "setup"]);
    let before = head(&repo_dir);
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe);
    child
        .args(["child_without_author", "--exact", "--nocapture", "--test-threads=1"])
        .env("WATCHBILL_STORE_TEST_CHILD", home.path())
        .env("HOME", home.path().join("empty"))
        .env("XDG_CONFIG_HOME", home.path().join("empty"))
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for var in ["NAME", "EMAIL", "DATE"] {
        child.env_remove(format!("GIT_AUTHOR_{var}")).env_remove(format!("GIT_COMMITTER_{var}"));
    }
    child.env_remove("EMAIL");
    let out = child.output().expect("child test runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child test did not run:\n{stdout}");
    assert_eq!(head(&repo_dir), before);
    assert!(!repo_dir.join("crew.toml").exists());
}

#[test]
fn a_base_that_moved_is_a_conflict() {
    let t = committed(&[("watchbill.toml", "x = 1\n"), ("crew.toml", "v1\n")]);
    let before = head(t.path());
    // The command read v0, but the tip (and the working tree) say v1 now.
    let s = set("crew: edit", vec![edit("crew.toml", "v0\n", "v2\n")]);
    let (exit, msg) = failure(t.path(), &s, &WriteMode::Commit);
    assert_eq!(exit, Exit::Conflict);
    assert!(msg.contains("crew.toml was changed by someone else"), "{msg}");
    // A "new" file that exists meanwhile is the same conflict.
    let (exit, _) = failure(t.path(), &set("m", vec![new_file("crew.toml", "v2\n")]), &WriteMode::Commit);
    assert_eq!(exit, Exit::Conflict);
    assert_eq!(head(t.path()), before);
    assert_eq!(read(t.path(), "crew.toml"), "v1\n");
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

#[test]
fn an_uncommitted_edit_is_refused() {
    let t = committed(&[("watchbill.toml", "x = 1\n"), ("crew.toml", "v1\n")]);
    let before = head(t.path());
    write(t.path(), "crew.toml", "v1 with my edit\n");
    let s = set("crew: edit", vec![edit("crew.toml", "v1 with my edit\n", "v2\n")]);
    let (exit, msg) = failure(t.path(), &s, &WriteMode::Commit);
    assert_eq!(exit, Exit::Refused);
    assert_eq!(msg, "crew.toml has uncommitted changes");
    assert_eq!(head(t.path()), before);
    assert_eq!(read(t.path(), "crew.toml"), "v1 with my edit\n");

    // Staged edits count too, even when the file on disk matches them.
    git(t.path(), &["add", "crew.toml"]);
    assert_eq!(failure(t.path(), &s, &WriteMode::Commit).0, Exit::Refused);
    // An untracked file where a new one would go would be overwritten.
    write(t.path(), "rota/2026-W48.toml", "mine\n");
    let (exit, _) =
        failure(t.path(), &set("m", vec![new_file("rota/2026-W48.toml", "x\n")]), &WriteMode::Commit);
    assert_eq!(exit, Exit::Refused);
    assert_eq!(read(t.path(), "rota/2026-W48.toml"), "mine\n");
    assert_eq!(head(t.path()), before);
}

#[test]
fn an_edit_with_a_matching_base_commits() {
    let t = committed(&[("watchbill.toml", "x = 1\n"), ("crew.toml", "v1\n")]);
    let out = commit(t.path(), &set("crew: edit", vec![edit("crew.toml", "v1\n", "v2\n")]));
    assert_eq!(out.commit.as_deref(), Some(head(t.path()).as_str()));
    assert_eq!(git(t.path(), &["show", "HEAD:crew.toml"]), "v2\n");
    assert_eq!(read(t.path(), "crew.toml"), "v2\n");
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

#[test]
fn commit_on_branch_leaves_the_checkout_alone() {
    let t = committed(&[("watchbill.toml", "x = 1\n"), ("tracked.txt", "one\n")]);
    write(t.path(), "other.txt", "staged\n");
    git(t.path(), &["add", "other.txt"]);
    write(t.path(), "tracked.txt", "edited\n");
    let main = head(t.path());
    let status = git(t.path(), &["status", "--porcelain"]);
    let index = git(t.path(), &["ls-files", "-s"]);
    let mode = WriteMode::CommitOnBranch("proposals".into());

    let out = store::apply(
        t.path(),
        &set("rota: propose W48", vec![new_file("rota/2026-W48.toml", "w48\n")]),
        &mode,
        Verify::Run,
    )
    .map_err(|e| e.message)
    .expect("commit on branch");
    assert_eq!(out.branch.as_deref(), Some("proposals"));
    assert_eq!(git(t.path(), &["rev-parse", "proposals"]).trim(), out.commit.clone().expect("commit"));
    assert_eq!(git(t.path(), &["rev-parse", "proposals^"]).trim(), main);
    assert_eq!(git(t.path(), &["show", "proposals:rota/2026-W48.toml"]), "w48\n");

    // Again on the now existing branch, from a detached HEAD.
    git(t.path(), &["checkout", "-q", "--detach"]);
    let again = store::apply(
        t.path(),
        &set("rota: propose W49", vec![new_file("rota/2026-W49.toml", "w49\n")]),
        &mode,
        Verify::Run,
    )
    .map_err(|e| e.message)
    .expect("commit on existing branch");
    assert_eq!(git(t.path(), &["rev-parse", "proposals^"]).trim(), out.commit.expect("first"));
    assert_eq!(git(t.path(), &["rev-parse", "proposals"]).trim(), again.commit.expect("second"));
    git(t.path(), &["checkout", "-q", "main"]);

    assert_eq!(head(t.path()), main);
    assert_eq!(git(t.path(), &["status", "--porcelain"]), status);
    assert_eq!(git(t.path(), &["ls-files", "-s"]), index);
    assert!(!t.path().join("rota").exists());

    let bad = WriteMode::CommitOnBranch("no good..name".into());
    assert_eq!(failure(t.path(), &set("m", vec![new_file("a.toml", "")]), &bad).0, Exit::Usage);
}

#[test]
fn dry_run_writes_nothing() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    let before = head(t.path());
    let s = set("m", vec![new_file("rota/2026-W48.toml", "w48\n"), new_file("crew.toml", "c\n")]);
    let out =
        store::apply(t.path(), &s, &WriteMode::DryRun, Verify::Run).map_err(|e| e.message).expect("dry run");
    assert_eq!(
        out,
        Outcome { commit: None, branch: None, paths: vec!["rota/2026-W48.toml".into(), "crew.toml".into()] }
    );
    assert!(!t.path().join("rota").exists());
    assert!(!t.path().join("crew.toml").exists());
    assert_eq!(head(t.path()), before);
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

#[test]
fn no_commit_writes_files_but_makes_no_commit() {
    let t = committed(&[("watchbill.toml", "x = 1\n"), ("crew.toml", "v1\n")]);
    let before = head(t.path());
    let s = set("m", vec![new_file("rota/2026-W48.toml", "w48\n"), edit("crew.toml", "v1\n", "v2\n")]);
    let out = store::apply(t.path(), &s, &WriteMode::NoCommit, Verify::Run)
        .map_err(|e| e.message)
        .expect("no-commit");
    assert_eq!(out.commit, None);
    assert_eq!(read(t.path(), "rota/2026-W48.toml"), "w48\n");
    assert_eq!(read(t.path(), "crew.toml"), "v2\n");
    assert_eq!(head(t.path()), before);
    assert_eq!(git(t.path(), &["status", "--porcelain"]), " M crew.toml\n?? rota/\n");
    let leftovers: Vec<_> = std::fs::read_dir(t.path().join("rota"))
        .expect("rota")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, vec!["2026-W48.toml"], "temporary files left behind");
}

#[test]
fn unsafe_paths_are_refused() {
    let t = repo();
    for path in ["../escape.toml", "/abs.toml", "rota//x.toml", ".git/config", "rota\\x.toml"] {
        let (exit, _) = failure(t.path(), &set("m", vec![new_file(path, "x")]), &WriteMode::NoCommit);
        assert_eq!(exit, Exit::Refused, "{path}");
    }
    assert!(!t.path().parent().expect("parent").join("escape.toml").exists());
}

fn sample_tree() -> TempDir {
    committed(&[
        ("watchbill.toml", "x = 1\n"),
        ("crew.toml", "[alice]\n"),
        ("maturity.toml", "m\n"),
        ("rota/2026-W48.toml", "w48\n"),
        ("logbook/2026-W48/20261123T1002-a.md", "entry\n"),
        ("objectives/restore-fast.toml", "o\n"),
        ("notes.txt", "not a record\n"),
        ("rota/.hidden.toml", "hidden\n"),
        ("rota/2026-W47.toml~", "backup\n"),
    ])
}

/// Every file, read from the working tree and from HEAD.
fn worktree_and_head(dir: &Path) -> (Vec<RawFile>, Vec<RawFile>) {
    let read = |rev: Revision| {
        store::read_files(dir, &rev, Needs::ALL, store::CacheUse::Use).map_err(|e| e.message).expect("read")
    };
    (read(Revision::WorkTree), read(Revision::Rev("HEAD".into())))
}

#[test]
fn worktree_and_head_read_the_same_files() {
    let t = sample_tree();
    let (disk, head) = worktree_and_head(t.path());
    let expected: Vec<(String, String)> = [
        ("crew.toml", "[alice]\n"),
        ("logbook/2026-W48/20261123T1002-a.md", "entry\n"),
        ("maturity.toml", "m\n"),
        ("objectives/restore-fast.toml", "o\n"),
        ("rota/2026-W48.toml", "w48\n"),
        ("watchbill.toml", "x = 1\n"),
    ]
    .iter()
    .map(|(p, s)| (p.to_string(), s.to_string()))
    .collect();
    assert_eq!(pairs(&disk), expected);
    assert_eq!(pairs(&head), expected);

    let crew_only =
        store::read_files(t.path(), &Revision::Rev("HEAD".into()), Needs::CREW, store::CacheUse::Use)
            .map_err(|e| e.message)
            .expect("crew");
    let names: Vec<String> = crew_only.into_iter().map(|f| f.path).collect();
    assert_eq!(names, vec!["crew.toml", "watchbill.toml"]);

    // The working tree has the uncommitted edit; HEAD does not.
    write(t.path(), "crew.toml", "[alice]\n[bob]\n");
    let disk = store::read_files(t.path(), &Revision::WorkTree, Needs::CREW, store::CacheUse::Use)
        .map_err(|e| e.message)
        .expect("worktree");
    let head = store::read_files(t.path(), &Revision::Rev("HEAD".into()), Needs::CREW, store::CacheUse::Use)
        .map_err(|e| e.message)
        .expect("HEAD");
    assert_eq!(disk[0].bytes, b"[alice]\n[bob]\n");
    assert_eq!(head[0].bytes, b"[alice]\n");
}

#[test]
fn unknown_revision_is_a_usage_error() {
    let t = sample_tree();
    let err = store::read_files(
        t.path(),
        &Revision::Rev("no-such-branch".into()),
        Needs::ALL,
        store::CacheUse::Use,
    )
    .expect_err("fails");
    assert_eq!(err.exit, Exit::Usage);
    assert_eq!(err.message, "unknown revision no-such-branch");
    assert!(err.help.unwrap_or_default().contains("fetch-depth: 0"));
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let t = committed(&[
        ("watchbill.toml", "x = 1\n"),
        ("rota/2026-W48.toml", "w48\n"),
        ("secret.toml", "secret\n"),
    ]);
    std::os::unix::fs::symlink("../secret.toml", t.path().join("rota/2026-W49.toml")).expect("symlink");
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "-m", "a link"]);
    for rev in [Revision::WorkTree, Revision::Rev("HEAD".into())] {
        let files = store::read_files(t.path(), &rev, Needs::ALL, store::CacheUse::Use)
            .map_err(|e| e.message)
            .expect("read");
        let names: Vec<String> = files.into_iter().map(|f| f.path).collect();
        assert_eq!(names, vec!["rota/2026-W48.toml", "watchbill.toml"], "{rev:?}");
    }
    let skipped: Vec<(String, &str)> = skipped(t.path()).into_iter().map(|d| (d.path, d.code)).collect();
    assert_eq!(skipped, vec![("rota/2026-W49.toml".to_string(), "symlink")]);
    let s = set("m", vec![edit("rota/2026-W49.toml", "secret\n", "overwritten\n")]);
    assert_eq!(failure(t.path(), &s, &WriteMode::NoCommit).0, Exit::Refused);
    assert_eq!(read(t.path(), "secret.toml"), "secret\n");
}

#[test]
fn a_root_in_a_subfolder() {
    let t = committed(&[("README.md", "top\n")]);
    write(t.path(), "ops/watchbill.toml", "x = 1\n");
    std::fs::create_dir_all(t.path().join("ops/rota")).expect("mkdir");
    let root = store::find_root(&t.path().join("ops/rota")).map_err(|e| e.message).expect("root");
    assert_eq!(root, canonical(&t.path().join("ops")));
    assert_eq!(store::repo_prefix(&root).map_err(|e| e.message).expect("prefix"), "ops");
    assert_eq!(store::repo_prefix(t.path()).map_err(|e| e.message).expect("prefix"), "");

    // Not committed yet: the revision has no ops/watchbill.toml.
    let err = store::read_files(&root, &Revision::Rev("HEAD".into()), Needs::ALL, store::CacheUse::Use)
        .expect_err("fails");
    assert_eq!((err.exit, err.message.as_str()), (Exit::Usage, "ops/watchbill.toml is not in revision HEAD"));

    commit(&root, &set("init", vec![new_file("crew.toml", "[alice]\n")]));
    git(t.path(), &["add", "ops/watchbill.toml"]);
    git(t.path(), &["commit", "-q", "-m", "settings"]);
    commit(&root, &set("rota", vec![new_file("rota/2026-W48.toml", "w48\n")]));
    assert_eq!(
        git(t.path(), &["ls-tree", "-r", "--name-only", "HEAD"]),
        "README.md\nops/crew.toml\nops/rota/2026-W48.toml\nops/watchbill.toml\n"
    );
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
    let files = store::read_files(&root, &Revision::Rev("HEAD".into()), Needs::ALL, store::CacheUse::Use)
        .map_err(|e| e.message)
        .expect("read");
    let names: Vec<String> = files.into_iter().map(|f| f.path).collect();
    assert_eq!(names, vec!["crew.toml", "rota/2026-W48.toml", "watchbill.toml"]);
}

#[test]
fn find_root_without_settings_is_a_usage_error() {
    setup();
    let t = tempfile::tempdir().expect("tempdir");
    let err = store::find_root(t.path()).expect_err("no root");
    assert_eq!(err.exit, Exit::Usage);
    assert!(err.message.starts_with("no watchbill.toml in "), "{}", err.message);
    assert_eq!(err.help.as_deref(), Some("run `watchbill init` to create one, or pass -C DIR"));
}

#[test]
fn a_stale_index_lock_is_taken_over() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    let lock = t.path().join(".git/watchbill-index.lock");
    std::fs::write(&lock, "999999999\n").expect("lock");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&lock).and_then(|f| f.set_modified(old)).expect("mtime");
    commit(t.path(), &set("crew", vec![new_file("crew.toml", "c\n")]));
    assert!(!lock.exists());
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

#[test]
fn user_email_comes_from_the_environment_first() {
    let t = repo();
    assert_eq!(store::user_email(t.path()).as_deref(), Some("alice@example.org"));
}

#[test]
fn init_repository_creates_one_only_when_missing() {
    setup();
    let t = tempfile::tempdir().expect("tempdir");
    let dir = t.path().join("team");
    assert_eq!(store::init_repository(&dir).map_err(|e| e.message), Ok(true));
    assert!(dir.join(".git").is_dir());
    std::fs::create_dir(dir.join("ops")).expect("mkdir");
    assert_eq!(store::init_repository(&dir.join("ops")).map_err(|e| e.message), Ok(false));
    assert!(!dir.join("ops/.git").exists());
}

#[test]
fn a_held_index_lock_makes_the_writer_wait_not_fail() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    let lock_path = t.path().join(".git/watchbill-index.lock");
    let held = std::fs::File::create(&lock_path).expect("lock file");
    held.lock().expect("lock");
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(held);
    });
    let started = std::time::Instant::now();
    commit(t.path(), &set("crew", vec![new_file("crew.toml", "c\n")]));
    assert!(started.elapsed() >= std::time::Duration::from_millis(250), "it waited for the holder");
    releaser.join().expect("releaser");
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

/// The state a writer killed after moving the branch leaves: the commit is there, but the
/// working tree and the index do not hold its file yet, and its journal says so.
fn killed_after_the_commit(t: &TempDir, path: &str, contents: &str) {
    commit(t.path(), &set("killed", vec![new_file(path, contents)]));
    git(t.path(), &["rm", "-q", "--cached", path]);
    std::fs::remove_file(t.path().join(path)).expect("rm");
    let blob = git_cmd(t.path(), &["hash-object", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(contents.as_bytes())?;
            c.wait_with_output()
        })
        .expect("hash-object");
    let blob = String::from_utf8_lossy(&blob.stdout).trim().to_string();
    std::fs::write(t.path().join(".git/watchbill-pending"), format!("{blob} - {path}\n")).expect("journal");
}

#[test]
fn the_next_write_finishes_the_checkout_of_a_killed_writer() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    killed_after_the_commit(&t, "rota/2026-W48.toml", "w48\n");
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "D  rota/2026-W48.toml\n");
    // Its temporary file, named after a process that no longer runs.
    #[cfg(target_os = "linux")]
    write(t.path(), "rota/.2026-W48.toml.watchbill-tmp-999999999-0", "w4");

    commit(t.path(), &set("next", vec![new_file("logbook/2026-W48/x.md", "x\n")]));
    assert_eq!(read(t.path(), "rota/2026-W48.toml"), "w48\n");
    assert_eq!(git(t.path(), &["status", "--porcelain", "--untracked-files=all"]), "");
    assert!(!t.path().join(".git/watchbill-pending").exists());
}

#[test]
fn finishing_a_killed_writer_leaves_a_persons_edit_alone() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    killed_after_the_commit(&t, "rota/2026-W48.toml", "w48\n");
    // Someone wrote the file by hand meanwhile: theirs stays, for them to sort out.
    write(t.path(), "rota/2026-W48.toml", "mine\n");
    commit(t.path(), &set("next", vec![new_file("logbook/2026-W48/x.md", "x\n")]));
    assert_eq!(read(t.path(), "rota/2026-W48.toml"), "mine\n");
    assert!(!t.path().join(".git/watchbill-pending").exists());
}

#[cfg(unix)]
#[test]
fn templates_are_never_read_through_a_link() {
    let t = committed(&[("watchbill.toml", "x = 1\n")]);
    let outside = tempfile::tempdir().expect("tempdir");
    write(outside.path(), "handover.md", "secret\n");
    std::os::unix::fs::symlink(outside.path(), t.path().join("templates")).expect("symlink");
    assert_eq!(store::read_templates(t.path()).map_err(|e| e.message).expect("read").len(), 0);
    let warned: Vec<(String, &str)> = skipped(t.path()).into_iter().map(|d| (d.path, d.code)).collect();
    assert_eq!(warned, vec![("templates".to_string(), "symlink")]);

    std::fs::remove_file(t.path().join("templates")).expect("rm");
    write(t.path(), "templates/review.md", "mine\n");
    std::os::unix::fs::symlink(outside.path().join("handover.md"), t.path().join("templates/handover.md"))
        .expect("symlink");
    let read = store::read_templates(t.path()).map_err(|e| e.message).expect("read");
    assert_eq!(read.keys().collect::<Vec<_>>(), vec!["review.md"]);
    let warned: Vec<String> = skipped(t.path()).into_iter().map(|d| d.path).collect();
    assert_eq!(warned, vec!["templates/handover.md"]);
}

/// The warnings a whole read of the working tree gives about what it left out.
fn skipped(root: &std::path::Path) -> Vec<watchbill::diagnostic::Diagnostic> {
    let mut reader = store::Reader::open(root, &Revision::WorkTree, store::CacheUse::Use)
        .map_err(|e| e.message)
        .expect("open");
    reader.read(Needs::ALL).map_err(|e| e.message).expect("read");
    reader.skipped()
}

fn moved(from: &str, to: &str, before: &str, after: &str) -> FileWrite {
    FileWrite {
        path: to.into(),
        contents: after.as_bytes().to_vec(),
        base: Base::Moved { from: from.into(), bytes: before.as_bytes().to_vec() },
    }
}

/// A move is one commit: the new path added, the old one removed, the working tree and the
/// index following, so `git status` shows nothing.
#[test]
fn a_move_commits_the_new_file_and_removes_the_old_one() {
    let t = committed(&[("logbook/2026-W47/x.md", "one\n")]);
    let before = head(t.path());
    commit(
        t.path(),
        &set("move", vec![moved("logbook/2026-W47/x.md", "logbook/2026-W46/x.md", "one\n", "two\n")]),
    );
    assert_eq!(git(t.path(), &["rev-parse", "HEAD^"]).trim(), before);
    assert_eq!(git(t.path(), &["ls-files"]), "logbook/2026-W46/x.md\n");
    assert_eq!(read(t.path(), "logbook/2026-W46/x.md"), "two\n");
    assert!(!t.path().join("logbook/2026-W47/x.md").exists());
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

/// A move whose old file changed since it was read is a conflict; one whose old file has
/// uncommitted edits is refused; nothing is committed either way.
#[test]
fn a_move_is_refused_over_a_changed_or_edited_old_file() {
    let t = committed(&[("a/x.md", "one\n")]);
    let before = head(t.path());
    let stale = set("move", vec![moved("a/x.md", "b/x.md", "zero\n", "two\n")]);
    assert_eq!(failure(t.path(), &stale, &WriteMode::Commit).0, Exit::Conflict);
    write(t.path(), "a/x.md", "edited\n");
    let edited = set("move", vec![moved("a/x.md", "b/x.md", "one\n", "two\n")]);
    assert_eq!(failure(t.path(), &edited, &WriteMode::Commit).0, Exit::Refused);
    assert_eq!(head(t.path()), before);
    assert_eq!(read(t.path(), "a/x.md"), "edited\n");
    assert!(!t.path().join("b/x.md").exists());
}

#[test]
fn a_move_without_commit_moves_the_file_on_disk() {
    let t = committed(&[("a/x.md", "one\n")]);
    let s = set("move", vec![moved("a/x.md", "b/x.md", "one\n", "two\n")]);
    store::apply(t.path(), &s, &WriteMode::NoCommit, Verify::Run).map_err(|e| e.message).expect("no-commit");
    assert_eq!(read(t.path(), "b/x.md"), "two\n");
    assert!(!t.path().join("a/x.md").exists());
}

/// A writer killed after its move was committed but before the checkout followed: the next
/// write finishes it from the journal (the new file written, the old one removed from the
/// working tree and the index), so `git status` shows nothing.
#[test]
fn the_next_write_finishes_a_killed_writers_move() {
    let t = committed(&[("a/x.md", "one\n")]);
    let dir = t.path();
    let hash = |text: &str| {
        write(dir, "scratch", text);
        let id = git(dir, &["hash-object", "-w", "scratch"]).trim().to_string();
        std::fs::remove_file(dir.join("scratch")).expect("remove");
        id
    };
    let (old, new) = (hash("one\n"), hash("two\n"));
    // The killed writer's commit, made in an index of its own: HEAD moves, the checkout does not.
    let index = dir.join(".git/killed-index");
    let in_index = |args: &[&str]| {
        let out = git_cmd(dir, args).env("GIT_INDEX_FILE", &index).output().expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    in_index(&["read-tree", "HEAD"]);
    in_index(&["update-index", "--add", "--cacheinfo", &format!("100644,{new},b/x.md")]);
    in_index(&["update-index", "--force-remove", "a/x.md"]);
    let tree = in_index(&["write-tree"]);
    let killed = git(dir, &["commit-tree", "-p", "HEAD", "-m", "move", &tree]).trim().to_string();
    git(dir, &["update-ref", "refs/heads/main", &killed]);
    let zeros = "0".repeat(40);
    write(dir, ".git/watchbill-pending", &format!("{new} - b/x.md\n{zeros} {old} a/x.md\n"));
    commit(dir, &set("next", vec![new_file("c.md", "c\n")]));
    assert_eq!(read(dir, "b/x.md"), "two\n");
    assert!(!dir.join("a/x.md").exists(), "the old place is removed");
    assert_eq!(git(dir, &["status", "--porcelain"]), "");
    assert!(!dir.join(".git/watchbill-pending").exists());
}

/// A reader of the working tree at `dir`, with the cache.
fn worktree_reader(dir: &Path) -> store::Reader {
    store::Reader::open(dir, &Revision::WorkTree, store::CacheUse::Use).map_err(|e| e.message).expect("open")
}

/// The paths one more read of `reader` returns.
fn next_read(reader: &mut store::Reader, needs: Needs) -> Vec<String> {
    reader.read(needs).map_err(|e| e.message).expect("read").into_iter().map(|f| f.path).collect()
}

#[test]
fn a_reader_lists_a_folder_it_took_whole_once() {
    let t = sample_tree();
    write(t.path(), "rota/2026-W47.toml", "w47\n");
    let mut reader = worktree_reader(t.path());
    let w48: watchbill::time::IsoWeek = "2026-W48".parse().expect("week");
    let one_week = Needs::rota_in(watchbill::model::Weeks::between(w48, w48));
    assert_eq!(next_read(&mut reader, one_week), ["crew.toml", "rota/2026-W48.toml", "watchbill.toml"]);

    // `rota/` was taken in part, so the next read lists it again and finds what is new there;
    // `logbook/` is read whole for the first time.
    write(t.path(), "rota/2026-W50.toml", "w50\n");
    assert_eq!(
        next_read(&mut reader, Needs::ALL),
        [
            "logbook/2026-W48/20261123T1002-a.md",
            "maturity.toml",
            "objectives/restore-fast.toml",
            "rota/2026-W47.toml",
            "rota/2026-W50.toml"
        ]
    );

    // Both were then taken whole: a reader reads one state of the tree, and does not list them
    // again (`status` would walk its 13 weeks of the logbook a second time for its objectives).
    write(t.path(), "rota/2026-W49.toml", "w49\n");
    write(t.path(), "logbook/2026-W48/20261124T0900-b.md", "entry\n");
    assert!(next_read(&mut reader, Needs::ALL).is_empty());
    let fresh = next_read(&mut worktree_reader(t.path()), Needs::ALL);
    assert!(fresh.contains(&"rota/2026-W49.toml".to_string()), "a new reader sees the new files: {fresh:?}");
    assert!(fresh.contains(&"logbook/2026-W48/20261124T0900-b.md".to_string()));
}

#[test]
fn a_walk_over_many_folders_finds_what_git_has_and_knows_which_it_took_whole() {
    // Enough week folders for the walk to list them on every core.
    let weeks: Vec<String> = (1..=40).map(|w| format!("2026-W{w:02}")).collect();
    let mut files = vec![("watchbill.toml".to_string(), "x = 1\n".to_string())];
    for w in &weeks {
        for n in 0..3 {
            files.push((format!("logbook/{w}/2026{n}-entry.md"), format!("{w} {n}\n")));
        }
    }
    let t = committed(&files.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect::<Vec<_>>());
    let paths = |files: Vec<RawFile>| files.into_iter().map(|f| f.path).collect::<Vec<_>>();
    let (disk, head) = worktree_and_head(t.path());
    assert_eq!(paths(disk), paths(head));

    // Weeks 10 to 20 are taken whole, the logbook is not: a file new in week 15 is not found
    // again by the same reader, one new in week 30 is.
    let mut reader = worktree_reader(t.path());
    let week = |w: &str| w.parse::<watchbill::time::IsoWeek>().expect("week");
    let some = Needs::logbook_in(watchbill::model::Weeks::between(week("2026-W10"), week("2026-W20")));
    assert_eq!(next_read(&mut reader, some).len(), 1 + 11 * 3);
    write(t.path(), "logbook/2026-W15/2026-late.md", "late\n");
    write(t.path(), "logbook/2026-W30/2026-late.md", "late\n");
    let rest = next_read(&mut reader, Needs::ALL);
    assert_eq!(rest.len(), 29 * 3 + 1, "{rest:?}");
    assert!(rest.contains(&"logbook/2026-W30/2026-late.md".to_string()));
    assert!(!rest.contains(&"logbook/2026-W15/2026-late.md".to_string()));
    assert!(next_read(&mut reader, Needs::ALL).is_empty(), "the logbook was then taken whole");
}
