//! A good git citizen: watchbill beside real `git` in the same repository — git's locks, its
//! filters, every config source it reads, signing, hooks and sparse checkouts.

use crate::common::*;
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

/// Writes an executable shell script at `path` and returns its path as text.
fn script(path: &Path, body: &str) -> String {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write");
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    path.to_string_lossy().into_owned()
}

fn status(dir: &Path) -> String {
    git(dir, &["status", "--porcelain"])
}

/// The user's `git commit` in a loop while watchbill writers commit: git's `index.lock` is held
/// from before git's index takes our files until the working tree holds them, and the index
/// takes them before the commit is made, so no user commit is built on ours from an index
/// that lacks them (it would delete our records) — except by git's own race: a `git commit`
/// writes back the index it read, and lets go of the lock, before it moves HEAD, so one that
/// read the index before a write of ours and locked it after wrote a stale index back, its own
/// commit then refused because HEAD moved, and the next `git commit` deletes what it lacks (two
/// `git commit`s do the same to each other). Such a deletion must follow such a refusal.
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
            // Commits made, and commits git refused because HEAD moved after it read it.
            let (mut n, mut refused) = (0, 0);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
            while !done.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
                let out = git_proc(dir)
                    .args(["commit", "-q", "--allow-empty", "-m", "user: empty"])
                    .output()
                    .expect("git runs");
                n += usize::from(out.status.success());
                refused +=
                    usize::from(String::from_utf8_lossy(&out.stderr).contains("cannot lock ref 'HEAD'"));
            }
            (n, refused)
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
                            failed.push(format!(
                                "writer {w}: {code:?}: {}",
                                String::from_utf8_lossy(&out.stderr)
                            ));
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
        (results.iter().map(|r| r.0).sum::<usize>(), (user.join().unwrap_or((0, 0)), failed))
    });
    let ((user_commits, refused), failed) = user_commits;
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(ok > WRITERS * EACH / 2, "only {ok} of {} writes landed", WRITERS * EACH);
    assert!(user_commits > 0, "the user's loop never committed");
    // No user commit changed anything but by git's own race (above): each deletes only, and
    // there are no more of them than commits git refused for HEAD having moved.
    let mut deleted = std::collections::BTreeSet::new();
    let mut deleting = 0;
    for c in git(dir, &["log", "--format=%H", "--grep=^user: empty"]).lines() {
        let diff = git(dir, &["diff-tree", "--no-commit-id", "-r", "--name-status", c]);
        if diff.trim().is_empty() {
            continue;
        }
        assert!(diff.lines().all(|l| l.starts_with("D\tlogbook/")), "user commit {c} changed files:\n{diff}");
        deleting += 1;
        deleted.extend(diff.lines().map(|l| l.trim_start_matches("D\t").to_string()));
    }
    eprintln!(
        "git's own race: {deleting} user commits deleted {} records; git refused {refused}",
        deleted.len()
    );
    assert!(
        deleting <= refused,
        "{deleting} user commits deleted records, but git refused only {refused} for HEAD having moved"
    );
    let in_head = git(dir, &["ls-tree", "-r", "--name-only", "HEAD", "logbook"]).lines().count();
    assert_eq!(
        in_head + deleted.len(),
        before + ok,
        "every entry watchbill committed is in HEAD, or a user commit deleted it"
    );
    // The same race, when no `git commit` came after the stale index was written back: our
    // file is in HEAD and on disk, and `git status` shows it staged for deletion; a record a
    // user commit deleted stays on disk, untracked. Anything else unclean is ours.
    let unclean = status(dir);
    for line in unclean.lines() {
        let path = line.get(3..).unwrap_or_default();
        let stale_index = (line.starts_with("?? ") && deleted.contains(path))
            || ((line.starts_with("D  ") || line.starts_with("?? "))
                && git(dir, &["cat-file", "-p", &format!("HEAD:{path}")]).as_bytes()
                    == std::fs::read(dir.join(path)).unwrap_or_default());
        assert!(stale_index, "git status is clean but for git's own stale index:\n{unclean}");
    }
    assert!(!dir.join(".git/index.lock").exists());
}

/// What `git commit` reads, in its order (the branch, then the index), while watchbill writes:
/// every record of the commit the branch names is already in the index read just after. When
/// the index took our files only after the branch moved, a reader in between saw our commit
/// with an index that lacked its record, and a `git commit` made from those two deleted it.
#[test]
fn the_index_holds_a_commit_s_records_before_the_branch_names_it() {
    let repo = example_repo();
    let dir = repo.path();
    let git_dir = dir.join(".git");
    let done = AtomicBool::new(false);
    const WRITES: usize = 12;
    // The first reads after each move of the branch: the moment a racing `git commit` hits.
    let samples: Vec<(String, Vec<u8>)> = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let (mut samples, mut last, mut repeat) = (Vec::new(), String::new(), 0);
            while !done.load(Ordering::Relaxed) {
                let Ok(head) = std::fs::read_to_string(git_dir.join("refs/heads/main")) else { continue };
                let Ok(index) = std::fs::read(git_dir.join("index")) else { continue };
                if head != last {
                    (last, repeat) = (head.clone(), 0);
                }
                if repeat < 3 {
                    repeat += 1;
                    samples.push((head, index));
                }
            }
            samples
        });
        for i in 0..WRITES {
            let out = wb_proc(dir)
                .args(["log", "note", &format!("note {i}"), "-m", "body"])
                .output()
                .expect("runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        done.store(true, Ordering::Relaxed);
        reader.join().unwrap_or_default()
    });
    let heads: std::collections::BTreeSet<&str> = samples.iter().map(|(h, _)| h.trim()).collect();
    // Not every move: two can fall between the reader's turns.
    assert!(heads.len() > WRITES / 2, "the reader saw the branch move: {} heads", heads.len());
    for (head, index) in &samples {
        for path in git(dir, &["ls-tree", "-r", "--name-only", head.trim(), "logbook"]).lines() {
            assert!(
                index.windows(path.len()).any(|w| w == path.as_bytes()),
                "the branch named {} while git's index lacked {path}",
                head.trim()
            );
        }
    }
}

/// A branch that cannot move (git's lock on it is held) refuses the write, and git's index, which
/// took the record before the commit was made, is back as it was, byte for byte.
#[test]
fn a_branch_that_cannot_move_leaves_git_s_index_as_it_was() {
    let repo = example_repo();
    let dir = repo.path();
    let index = || std::fs::read(dir.join(".git/index")).expect("index");
    let before = index();
    std::fs::write(dir.join(".git/refs/heads/main.lock"), "").expect("lock");
    let out = wb_proc(dir).args(["log", "note", "never lands", "-m", "body"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refs/heads/main.lock"));
    assert!(index() == before, "git's index changed");
    std::fs::remove_file(dir.join(".git/refs/heads/main.lock")).expect("unlock");
    assert_eq!(status(dir), "");
    let left: Vec<String> = std::fs::read_dir(dir.join(".git"))
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("watchbill-"))
        .collect();
    assert!(left.is_empty(), "left in .git: {left:?}");
}

/// A writer killed after git's index took its record and before the branch moved leaves the
/// record staged and its journal: the next write puts the index back as the branch has it (the
/// record never landed) and leaves alone what the user staged since.
#[test]
fn the_next_write_unstages_the_record_of_a_writer_killed_before_the_branch_moved() {
    let repo = example_repo();
    let dir = repo.path();
    let hash = |text: &str| {
        std::fs::write(dir.join("blob.tmp"), text).expect("write");
        let id = git(dir, &["hash-object", "-w", "blob.tmp"]).trim().to_string();
        std::fs::remove_file(dir.join("blob.tmp")).expect("rm");
        id
    };
    // The killed writer's staged new record, and a record it modified.
    let new = "logbook/2026-W47/20261123T0800-never-landed-abcd.md";
    let new_id = hash("+++\nnever\n+++\n");
    let modified = git(dir, &["ls-files", "logbook"]).lines().next().expect("an entry").to_string();
    let modified_base = git(dir, &["rev-parse", &format!("HEAD:{modified}")]).trim().to_string();
    let modified_id = hash("+++\nchanged\n+++\n");
    for (id, path) in [(&new_id, new), (&modified_id, modified.as_str())] {
        git(dir, &["update-index", "--add", "--cacheinfo", &format!("100644,{id},{path}")]);
    }
    std::fs::write(
        dir.join(".git/watchbill-pending"),
        format!("{new_id} - {new}\n{modified_id} {modified_base} {modified}\n"),
    )
    .expect("journal");
    // What the user staged since is theirs.
    std::fs::write(dir.join("notes.txt"), "mine\n").expect("write");
    git(dir, &["add", "notes.txt"]);

    let out = wb_proc(dir).args(["log", "note", "after the kill", "-m", "body"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(status(dir), "A  notes.txt\n");
    assert!(!dir.join(".git/watchbill-pending").exists());
    assert_eq!(git(dir, &["ls-files", "--", new]), "");
}

/// The identity variables the harness sets, dropped so a case sets only its own source.
const IDENT_VARS: [&str; 4] =
    ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"];

fn with(p: &mut Proc, vars: &[(&str, &str)]) {
    for v in IDENT_VARS {
        p.env_remove(v);
    }
    for (k, v) in vars {
        p.env(k, v);
    }
}

/// `git var NAME` without its date, under the case's environment.
fn git_var(dir: &Path, name: &str, vars: &[(&str, &str)]) -> String {
    let mut p = git_proc(dir);
    with(&mut p, vars);
    let out = p.args(["var", name]).output().expect("git runs");
    assert!(out.status.success(), "git var {name}: {}", String::from_utf8_lossy(&out.stderr));
    let ident = String::from_utf8_lossy(&out.stdout);
    ident.rsplitn(3, ' ').nth(2).unwrap_or_default().to_string()
}

/// Every source git reads its identity from gives watchbill's commit the author and committer
/// `git var` names: GIT_CONFIG_GLOBAL, GIT_CONFIG_COUNT/KEY/VALUE, GIT_CONFIG_PARAMETERS (what
/// `git -c` passes on), and GIT_AUTHOR_* beside a configured committer.
#[test]
fn identity_from_every_config_source_is_gits() {
    let repo = example_repo();
    let dir = repo.path();
    let global = dir.join(".git/global-config");
    std::fs::write(&global, "[user]\n\tname = Global Alice\n\temail = alice@example.org\n").expect("write");
    let global = global.to_string_lossy().into_owned();
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("GIT_CONFIG_GLOBAL", &global)],
        vec![
            ("GIT_CONFIG_COUNT", "2"),
            ("GIT_CONFIG_KEY_0", "user.name"),
            ("GIT_CONFIG_VALUE_0", "Count Alice"),
            ("GIT_CONFIG_KEY_1", "User.Email"),
            ("GIT_CONFIG_VALUE_1", "alice@example.org"),
        ],
        vec![("GIT_CONFIG_PARAMETERS", "'user.name'='O'\\''Param' 'user.email'='alice@example.org'")],
        vec![
            ("GIT_CONFIG_GLOBAL", &global),
            (
                "GIT_CONFIG_PARAMETERS",
                "'user.email'='committer@example.org' 'author.email'='alice@example.org'",
            ),
            ("GIT_AUTHOR_NAME", "Env Author"),
        ],
    ];
    for (i, vars) in cases.iter().enumerate() {
        let mut p = wb_proc(dir);
        with(&mut p, vars);
        let out = p.args(["log", "note", &format!("identity {i}"), "-m", "x"]).output().expect("runs");
        assert!(out.status.success(), "case {i}: {}", String::from_utf8_lossy(&out.stderr));
        let got = git(dir, &["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
        let want = format!(
            "{}|{}",
            git_var(dir, "GIT_AUTHOR_IDENT", vars),
            git_var(dir, "GIT_COMMITTER_IDENT", vars)
        );
        assert_eq!(got.trim(), want, "case {i}: {vars:?}");
    }
    // The last case: git keeps the configured user as committer when only the author is set.
    assert!(git(dir, &["log", "-1", "--format=%cn"]).starts_with("Global Alice"));
}

/// A broken global config is named as such, with the file, not taken for a missing identity.
#[test]
fn a_broken_global_config_is_named() {
    let repo = example_repo();
    let dir = repo.path();
    let global = dir.join(".git/broken-config");
    std::fs::write(&global, "[user\nname = x\n").expect("write");
    let mut p = wb_proc(dir);
    with(&mut p, &[("GIT_CONFIG_GLOBAL", &global.to_string_lossy())]);
    let out = p.args(["log", "note", "broken", "-m", "x"]).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broken-config") && !err.contains("who you are"), "{err}");
}

/// `core.editor` and GIT_EDITOR are honoured, in git's order (GIT_EDITOR first).
#[test]
fn the_editor_is_gits() {
    let repo = example_repo();
    let dir = repo.path();
    let appender = |name: &str, text: &str| {
        script(&dir.join(".git").join(name), &format!("printf '%s\\n' '{text}' >> \"$1\""))
    };
    let (core, env_editor) =
        (appender("core-editor", "from core.editor"), appender("git-editor", "from GIT_EDITOR"));
    git(dir, &["config", "core.editor", &core]);
    wb(dir).args(["log", "note", "by core editor"]).env("EDITOR", "false").assert().success();
    assert!(git(dir, &["show", "HEAD"]).contains("from core.editor"));
    wb(dir).args(["log", "note", "by git editor"]).env("GIT_EDITOR", &env_editor).assert().success();
    assert!(git(dir, &["show", "HEAD"]).contains("from GIT_EDITOR"));
}

/// Writes an executable hook script into `.git/hooks` (or `dir`).
fn hook(dir: &Path, name: &str, body: &str) {
    script(&dir.join(name), body);
}

/// A rejecting pre-commit hook stops the write (nothing committed, nothing on disk), and
/// `--no-verify` passes it; the hook sees the index watchbill builds through GIT_INDEX_FILE.
#[test]
fn a_rejecting_pre_commit_hook_stops_the_write() {
    let repo = example_repo();
    let dir = repo.path();
    let hooks = dir.join(".git/hooks");
    // Rejects any commit that holds a note titled "blocked", seen in the index it is given.
    hook(
        &hooks,
        "pre-commit",
        "test -n \"$GIT_INDEX_FILE\" || exit 3\n! git grep -q --cached 'blocked' -- logbook",
    );
    let head = git(dir, &["rev-parse", "HEAD"]);
    let a = wb(dir).args(["log", "note", "blocked", "-m", "x"]).assert().code(3);
    assert!(stderr(&a).contains("pre-commit hook refused"), "{}", stderr(&a));
    assert_eq!(git(dir, &["rev-parse", "HEAD"]), head, "nothing committed");
    assert_eq!(status(dir), "", "nothing written");
    wb(dir).args(["log", "note", "allowed", "-m", "x"]).assert().success();
    wb(dir).args(["log", "note", "blocked", "-m", "x", "--no-verify"]).assert().success();
    assert_eq!(status(dir), "");
}

/// commit-msg can edit the message; prepare-commit-msg runs; post-commit runs after; all from
/// core.hooksPath when it is set.
#[test]
fn message_hooks_edit_the_message_from_core_hooks_path() {
    let repo = example_repo();
    let dir = repo.path();
    git(dir, &["config", "core.hooksPath", "githooks"]);
    let hooks = dir.join("githooks");
    hook(&hooks, "prepare-commit-msg", "test \"$2\" = message || exit 1\nprintf '\\nPrepared\\n' >> \"$1\"");
    hook(&hooks, "commit-msg", "printf 'Signed-off-by: Hook <h@example.org>\\n' >> \"$1\"");
    hook(&hooks, "post-commit", "git rev-parse HEAD > .git/post-commit-saw");
    wb(dir).args(["log", "note", "hooked", "-m", "x"]).assert().success();
    let message = git(dir, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Prepared") && message.contains("Signed-off-by: Hook"), "{message}");
    let saw = std::fs::read_to_string(dir.join(".git/post-commit-saw")).expect("post-commit ran");
    assert_eq!(saw, git(dir, &["rev-parse", "HEAD"]));
    // --no-verify skips commit-msg, not prepare-commit-msg (as git).
    wb(dir).args(["log", "note", "unverified", "-m", "x", "--no-verify"]).assert().success();
    let message = git(dir, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Prepared") && !message.contains("Signed-off-by"), "{message}");
}

/// With commit.gpgsign and gpg.format=ssh, the commit is signed by ssh-keygen and
/// `git verify-commit` accepts it against an allowed-signers file.
#[test]
fn ssh_signed_commits_verify_with_git() {
    let repo = example_repo();
    let dir = repo.path();
    let key = dir.join(".git/test-key");
    let out = Proc::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen runs (openssh-client)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    let allowed = dir.join(".git/allowed-signers");
    std::fs::write(&allowed, format!("alice@example.org {public}")).expect("write");
    git(dir, &["config", "commit.gpgsign", "true"]);
    git(dir, &["config", "gpg.format", "ssh"]);
    git(dir, &["config", "user.signingkey", &key.to_string_lossy()]);
    git(dir, &["config", "gpg.ssh.allowedSignersFile", &allowed.to_string_lossy()]);
    wb(dir).args(["log", "note", "signed", "-m", "x"]).assert().success();
    let verify = git_proc(dir).args(["verify-commit", "HEAD"]).output().expect("git runs");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stderr).contains("Good \"git\" signature"));
    // A key that cannot sign is an error that writes nothing.
    git(dir, &["config", "user.signingkey", "/nonexistent/key"]);
    let head = git(dir, &["rev-parse", "HEAD"]);
    let a = wb(dir).args(["log", "note", "unsigned", "-m", "x"]).assert().code(2);
    assert!(stderr(&a).contains("could not sign"), "{}", stderr(&a));
    assert_eq!(git(dir, &["rev-parse", "HEAD"]), head);
    assert_eq!(status(dir), "");
}

/// With commit.gpgsign (openpgp), a throwaway key in a temporary GNUPGHOME signs the commit,
/// and `git verify-commit` accepts it.
#[test]
fn openpgp_signed_commits_verify_with_git() {
    let repo = example_repo();
    let dir = repo.path();
    let home = tempfile::tempdir().expect("tempdir");
    let gpg = |args: &[&str]| {
        let out = Proc::new("gpg")
            .env("GNUPGHOME", home.path())
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .output()
            .expect("gpg runs (gnupg)");
        assert!(out.status.success(), "gpg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    gpg(&["--quick-generate-key", "Test Author <alice@example.org>", "ed25519", "sign", "never"]);
    git(dir, &["config", "commit.gpgsign", "true"]);
    wb(dir).env("GNUPGHOME", home.path()).args(["log", "note", "signed", "-m", "x"]).assert().success();
    let verify = git_proc(dir)
        .env("GNUPGHOME", home.path())
        .args(["verify-commit", "HEAD"])
        .output()
        .expect("git runs");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}

/// A repository in a form watchbill cannot handle yet gets its own message and fix, never an
/// identity error: SHA-256 objects, reftable refs, a split index.
#[test]
fn unsupported_repository_forms_are_refused_by_name() {
    let cases: [(&[&str], &str, &str); 3] = [
        (&["init", "-q", "-b", "main", "--object-format=sha256"], "SHA-256", "object-format=sha1"),
        (&["init", "-q", "-b", "main", "--ref-format=reftable"], "reftable", "git refs migrate"),
        (&["init", "-q", "-b", "main"], "split index", "--no-split-index"),
    ];
    for (init, what, fix) in cases {
        let repo = example_repo();
        let dir = repo.path();
        std::fs::remove_dir_all(dir.join(".git")).expect("rm .git");
        git(dir, init);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "crew"]);
        if what == "split index" {
            git(dir, &["update-index", "--split-index"]);
        }
        let a = wb(dir).args(["log", "note", "refused", "-m", "x"]).assert().code(2);
        let err = stderr(&a);
        assert!(err.contains(what) && err.contains(fix), "{what}: {err}");
        assert!(!err.contains("e-mail") && !err.contains("who you are"), "{what}: {err}");
    }
}

/// During a rebase the help says how to finish it, not `git switch main`.
#[test]
fn a_rebase_in_progress_is_named_with_its_fix() {
    let repo = example_repo();
    let dir = repo.path();
    git(dir, &["switch", "-q", "-c", "side"]);
    commit_file(dir, "notes.txt", "side\n");
    git(dir, &["switch", "-q", "main"]);
    commit_file(dir, "notes.txt", "main\n");
    let out = git_proc(dir).args(["rebase", "side"]).output().expect("git runs");
    assert!(!out.status.success(), "the rebase stops on its conflict");
    let a = wb(dir).args(["log", "note", "mid-rebase", "-m", "x"]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("rebase is in progress") && err.contains("git rebase --continue"), "{err}");
    assert!(!err.contains("git switch") && !err.contains("--branch"), "{err}");
}

/// An editor script that replaces `from` by `to` in the file it is given.
fn sed_editor(dir: &Path, from: &str, to: &str) -> String {
    script(&dir.join(".git/sed-editor"), &format!("sed -i 's/{from}/{to}/' \"$1\""))
}

/// A written handover is never drafted over: without an editor it is refused with the command
/// that opens it; with one, the person's text is what the editor opens, and only their edit lands.
#[test]
fn a_written_handover_is_edited_never_regenerated() {
    let repo = example_repo();
    let dir = repo.path();
    wb(dir).args(["handover", "--no-edit"]).assert().success();
    let path = dir.join("logbook/2026-W47/handover.md");
    let mut words = std::fs::read_to_string(&path).expect("written");
    words.push_str("\nOur own words.\n");
    std::fs::write(&path, &words).expect("edit");
    git(dir, &["commit", "-q", "-am", "my words"]);
    let a = wb(dir).args(["handover", "--no-edit"]).assert().code(3);
    assert!(stderr(&a).contains("watchbill handover --week 2026-W47"), "{}", stderr(&a));
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), words);
    let editor = sed_editor(dir, "Our own words.", "Our better words.");
    wb(dir).args(["handover"]).env("GIT_EDITOR", &editor).assert().success();
    let diff = git(dir, &["show", "--format=", "--unified=0", "HEAD", "--", "logbook/2026-W47/handover.md"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
        .collect();
    assert_eq!(changed, ["-Our own words.", "+Our better words."], "{diff}");
}

/// `handover --branch` when the branch exists updates it by a fast-forward, and reads the
/// handover from it; from a detached HEAD it creates the branch it reports.
#[test]
fn handover_branch_is_updated_and_works_from_a_detached_head() {
    let repo = example_repo();
    let dir = repo.path();
    git(dir, &["switch", "-q", "--detach"]);
    let a = wb(dir).args(["handover", "--no-edit", "--branch"]).assert().success();
    assert!(stdout(&a).contains("handover/2026-W47"), "{}", stdout(&a));
    let first = git(dir, &["rev-parse", "handover/2026-W47"]);
    // Again without an editor: refused, naming the command with --branch.
    let a = wb(dir).args(["handover", "--no-edit", "--branch"]).assert().code(3);
    assert!(stderr(&a).contains("--week 2026-W47 --branch"), "{}", stderr(&a));
    let editor = script(&dir.join(".git/append-editor"), "printf 'Added on the branch.\\n' >> \"$1\"");
    wb(dir).args(["handover", "--branch"]).env("GIT_EDITOR", &editor).assert().success();
    let second = git(dir, &["rev-parse", "handover/2026-W47^"]);
    assert_eq!(second, first, "a fast-forward of the branch");
    let text = git(dir, &["show", "handover/2026-W47:logbook/2026-W47/handover.md"]);
    assert!(text.ends_with("Added on the branch.\n"), "{text}");
}

/// Re-checks out every file through git's filters (what a clone with this config would hold).
fn checkout_again(dir: &Path) {
    for f in git(dir, &["ls-files"]).lines() {
        std::fs::remove_file(dir.join(f)).expect("rm");
    }
    git(dir, &["checkout", "--", "."]);
    assert_eq!(status(dir), "", "clean before any write");
}

/// The write commands of a day, each followed by a clean `git status`.
fn write_commands_leave_status_clean(dir: &Path) {
    let a = wb(dir)
        .args(["log", "incident", "Login 502", "--started", "2026-11-23 08:00", "-m", "x"])
        .assert()
        .success();
    let id = stdout(&a).lines().find_map(|l| l.strip_prefix("id: ")).expect("an id").trim().to_string();
    assert_eq!(status(dir), "", "after log incident");
    wb(dir).args(["log", "update", &id, "--restored", "2026-11-23 08:30"]).assert().success();
    assert_eq!(status(dir), "", "after log update");
    wb(dir).args(["crew", "away", "alice", "--from", "2026-12-21", "--to", "2027-01-03"]).assert().success();
    assert_eq!(status(dir), "", "after crew away");
    wb(dir).args(["log", "note", "Alert added", "-m", "x"]).assert().success();
    assert_eq!(status(dir), "", "after log note");
    wb(dir).args(["handover", "--no-edit"]).assert().success();
    assert_eq!(status(dir), "", "after handover");
    let entry =
        git(dir, &["ls-files", "logbook"]).lines().find(|l| l.contains(&id)).expect("entry").to_string();
    let disk = std::fs::read(dir.join(&entry)).expect("entry on disk");
    let lf = disk.iter().filter(|&&b| b == b'\n').count();
    let crlf = disk.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!(lf, crlf, "no mixed line ends in {entry} after log update");
}

/// With Git for Windows' default core.autocrlf=true, every write leaves `git status` clean and
/// the working tree in CRLF.
#[test]
fn autocrlf_true_keeps_git_status_clean() {
    let repo = example_repo();
    let dir = repo.path();
    git(dir, &["config", "core.autocrlf", "true"]);
    checkout_again(dir);
    write_commands_leave_status_clean(dir);
}

/// With `* text eol=crlf` in .gitattributes, the same.
#[test]
fn gitattributes_eol_crlf_keeps_git_status_clean() {
    let repo = example_repo();
    let dir = repo.path();
    commit_file(dir, ".gitattributes", "* text eol=crlf\n");
    checkout_again(dir);
    write_commands_leave_status_clean(dir);
}

/// A crew file committed with CRLF and a byte-order mark (no conversion) keeps both: `crew
/// away` changes only the lines it adds.
#[test]
fn a_crlf_crew_file_is_edited_line_for_line() {
    let repo = example_repo();
    let dir = repo.path();
    let text = std::fs::read_to_string(dir.join("crew.toml")).expect("crew.toml");
    let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    commit_file(dir, "crew.toml", &crlf);
    wb(dir).args(["crew", "away", "alice", "--from", "2026-12-21", "--to", "2027-01-03"]).assert().success();
    assert_eq!(status(dir), "");
    let stat = git(dir, &["show", "--format=", "--numstat", "HEAD", "--", "crew.toml"]);
    let (added, removed) = stat
        .split_once('\t')
        .map(|(a, r)| (a.to_string(), r.split('\t').next().unwrap_or("").to_string()))
        .expect("numstat");
    assert_eq!(removed, "0", "nothing removed: {stat}");
    assert!(added.parse::<u32>().expect("a count") <= 4, "only the away lines: {stat}");
    let bytes = git(dir, &["show", "HEAD:crew.toml"]);
    assert!(bytes.starts_with('\u{feff}'), "the BOM is kept");
    assert_eq!(bytes.matches('\n').count(), bytes.matches("\r\n").count(), "every line still ends in CRLF");
}

/// A sparse checkout without `logbook/`: `status` and `handover` still see the week's
/// incident, read from git's index.
#[test]
fn a_sparse_checkout_without_the_logbook_still_sees_the_week() {
    let repo = example_repo();
    let dir = repo.path();
    wb(dir)
        .args([
            "log",
            "incident",
            "Checkout outage",
            "--severity",
            "critical",
            "--started",
            "2026-11-23 08:00",
            "-m",
            "x",
        ])
        .assert()
        .success();
    git(dir, &["sparse-checkout", "set", "--no-cone", "/*", "!/logbook/"]);
    assert!(!dir.join("logbook").exists(), "the logbook is outside the sparse checkout");
    let a = wb(dir).arg("status").assert().success();
    assert!(stdout(&a).contains("Checkout outage"), "{}", stdout(&a));
    wb(dir).args(["handover", "--no-edit"]).assert().success();
    let text = git(dir, &["show", "HEAD:logbook/2026-W47/handover.md"]);
    assert!(text.contains("Checkout outage"), "{text}");
    assert!(!text.contains("quiet week"), "{text}");
}
