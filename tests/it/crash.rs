//! Crashes: writers killed with SIGKILL at random moments, over and over.
//!
//! After every kill the repository must be sound (`git fsck`), hold only whole records (every
//! committed entry parses and has its whole body), and the next command must work without a
//! person repairing anything; after it, the checkout is in line with the branch again. Git's own
//! lock files are the one thing watchbill cannot judge (a git command may be running); when a kill
//! leaves one, the next command must say which file to delete, and the test does what it says.
#![cfg(unix)]

use crate::common::*;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Kills per run; `WATCHBILL_CRASH_ROUNDS` raises it for a longer run by hand.
const DEFAULT_ROUNDS: usize = 120;

/// The body every killed writer tries to write: long enough that a torn write would show.
fn body(round: usize) -> String {
    format!("crash round {round}\n{}", "All work and no play makes a dull log.\n".repeat(200))
}

/// xorshift64*, seeded from `WATCHBILL_CRASH_SEED` or the clock; the seed is printed so a
/// failure can be replayed.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed =
            std::env::var("WATCHBILL_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("crash test seed: WATCHBILL_CRASH_SEED={seed}");
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// A small crew: loading is quick, so most of a command's life is its write.
fn small_repo() -> tempfile::TempDir {
    let t = init_repo();
    let mut crew =
        String::from("[[team]]\nid = \"ops\"\nname = \"Ops\"\n\n[[team]]\nid = \"api\"\nname = \"API\"\n");
    for (id, team) in [("alice", "ops"), ("bob", "api"), ("carol", "ops"), ("dan", "api")] {
        crew.push_str(&format!(
            "\n[[member]]\nid = \"{id}\"\nname = \"{id}\"\nteam = \"{team}\"\nemail = \"{id}@example.org\"\n"
        ));
    }
    commit_file(t.path(), "crew.toml", &crew);
    t
}

/// The writer killed in a round, in turn: a new file (a note), an edit of a file (time away in
/// crew.toml) and a commit of many files (the rota planned a week further each time).
fn writer(dir: &Path, round: usize) -> std::process::Command {
    let mut p = wb_proc(dir);
    match round % 3 {
        0 => p.args(["log", "note", &format!("crash {round}"), "--as", "alice", "-m", &body(round)]),
        1 => {
            let day = (chrono_day(round)).to_string();
            p.args([
                "crew",
                "away",
                "bob",
                "--from",
                &day,
                "--to",
                &day,
                "--reason",
                &format!("crash {round}"),
            ])
        }
        _ => p.args(["rota", "plan", "--weeks", &(2 + round / 3).to_string()]),
    };
    p.stdout(Stdio::null()).stderr(Stdio::null());
    p
}

/// A different day for each round's time away.
fn chrono_day(round: usize) -> String {
    // Far beyond the planned weeks: time away never clashes with the rota.
    let base = chrono::NaiveDate::from_ymd_opt(2035, 1, 1).expect("a date");
    (base + chrono::Duration::days(round as i64)).format("%Y-%m-%d").to_string()
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

fn run_git(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut p = std::process::Command::new("git");
    env(&mut p);
    p.current_dir(dir).args(args).output().expect("git runs")
}

/// `git fsck` finds nothing wrong (unreachable objects of an interrupted write are not wrong).
fn assert_sound(dir: &Path, round: usize) {
    let out = run_git(dir, &["fsck", "--strict", "--no-dangling", "--no-progress"]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.trim().is_empty(), "round {round}: git fsck: {text}");
}

/// Every entry the branch gained since `before` is whole: it parses (`check --rev HEAD`) and
/// carries the complete body its writer meant.
fn assert_whole_records(dir: &Path, before: &str, round: usize) {
    let added = git(dir, &["diff", "--name-only", before, "HEAD"]);
    for path in added.lines().filter(|p| p.starts_with("logbook/")) {
        let text = git(dir, &["show", &format!("HEAD:{path}")]);
        let title = text.lines().find_map(|l| l.strip_prefix("title = \"crash ")).expect("a crash entry");
        let n: usize = title.trim_end_matches('"').parse().expect("a round number");
        assert!(text.ends_with(&format!("+++\n\n{}", body(n))), "round {round}: torn record {path}:\n{text}");
    }
    let out = wb_proc(dir).args(["check", "--rev", "HEAD"]).output().expect("check runs");
    assert!(
        out.status.success(),
        "round {round}: check --rev HEAD: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// What one kill left behind, before the next command ran.
#[derive(Default, Debug)]
struct Tally {
    rounds: usize,
    committed: usize,
    checkout_behind: usize,
    killed_holding_lock: usize,
    temp_files_left: usize,
    /// git's own lock files left, by name: a person deleted them, as the message said.
    git_locks_left: std::collections::BTreeMap<String, usize>,
}

fn git_locks(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let git_dir = dir.join(".git");
    for rel in ["index.lock", "HEAD.lock", "refs/heads/main.lock", "packed-refs.lock"] {
        if git_dir.join(rel).exists() {
            found.push(format!(".git/{rel}"));
        }
    }
    found
}

/// Runs the next command as a person would; when it stops on one of git's lock files, does
/// what the message says (deletes the file it names) and runs it again.
fn next_command_works(dir: &Path, round: usize, tally: &mut Tally) {
    let probe = |n: usize| {
        let mut p = wb_proc(dir);
        p.args(["log", "note", &format!("probe {round}.{n}"), "--as", "alice", "-m", "probe"]);
        let started = Instant::now();
        let out = p.output().expect("watchbill runs");
        (out, started.elapsed())
    };
    let (out, took) = probe(0);
    // A dead writer's lock is taken over at once, not after a minute's wait.
    assert!(took < Duration::from_secs(20), "round {round}: the next command took {took:?}");
    if out.status.success() {
        return;
    }
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let locks = git_locks(dir);
    assert!(!locks.is_empty(), "round {round}: the next command failed with no lock to blame: {err}");
    assert_eq!(out.status.code(), Some(4), "round {round}: {err}");
    for lock in &locks {
        assert!(
            err.contains(lock.as_str()) && err.contains("delete"),
            "round {round}: the message must name {lock}: {err}"
        );
        std::fs::remove_file(dir.join(lock)).expect("delete the lock as told");
        *tally.git_locks_left.entry(lock.clone()).or_insert(0) += 1;
    }
    let (out, _) = probe(1);
    assert!(out.status.success(), "round {round}: still failing: {}", String::from_utf8_lossy(&out.stderr));
}

fn temp_files(dir: &Path) -> Vec<String> {
    let out = git(dir, &["status", "--porcelain", "--untracked-files=all", "--ignored"]);
    out.lines().filter(|l| l.contains("watchbill-tmp")).map(str::to_string).collect()
}

#[test]
fn writers_killed_at_random_moments_leave_a_sound_repository() {
    let rounds =
        std::env::var("WATCHBILL_CRASH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_ROUNDS);
    // How long each kind of write takes uninterrupted (in a repository of its own), so the
    // kills land all along it.
    let spans: Vec<u64> = {
        let scratch = small_repo();
        (0..3)
            .map(|kind| {
                let started = Instant::now();
                assert!(writer(scratch.path(), kind).status().expect("runs").success());
                started.elapsed().as_micros() as u64
            })
            .collect()
    };
    let t = small_repo();
    let dir = t.path();
    let mut rng = Rng::new();
    let mut tally = Tally::default();
    for round in 0..rounds {
        let before = head(dir);
        let mut child = writer(dir, round).spawn().expect("spawn");
        let span = spans[round % 3];
        std::thread::sleep(Duration::from_micros(rng.below(span + span / 5)));
        let _ = child.kill();
        let _ = child.wait();
        tally.rounds += 1;
        if head(dir) != before {
            tally.committed += 1;
        }
        if !git(dir, &["status", "--porcelain"]).is_empty() {
            tally.checkout_behind += 1;
        }
        if dir.join(".git/watchbill-index.lock").exists() {
            tally.killed_holding_lock += 1;
        }
        if !temp_files(dir).is_empty() {
            tally.temp_files_left += 1;
        }
        assert_sound(dir, round);
        assert_whole_records(dir, &before, round);
        // The working tree holds no torn file either (it may lag behind the branch).
        let out = wb_proc(dir).arg("check").output().expect("check runs");
        assert!(out.status.success(), "round {round}: check: {}", String::from_utf8_lossy(&out.stdout));
        next_command_works(dir, round, &mut tally);
        assert_eq!(
            git(dir, &["status", "--porcelain", "--untracked-files=all", "--ignored"]),
            "",
            "round {round}: the checkout is not in line with the branch after the next command"
        );
    }
    eprintln!("crash test: {tally:?} (writes take {spans:?} µs: note, edit, plan)");
    assert_sound(dir, rounds);
    wb(dir).arg("check").assert().code(0);
}
