//! The commits a review compares: the merge base of a base and a head (what `git diff
//! base...head` starts from), the branch to compare with when none is given, and the history a
//! shallow checkout lacks, fetched from the checkout's own remote with `git fetch --deepen`, as
//! the common changed-files actions do.

use crate::error::{Error, Result};
use git2::{BranchType, ErrorCode, Oid, Repository};
use std::path::Path;
use std::process::Command;

const REVIEW_HELP: &str = "pass --base REV, or set the branch's upstream (`git branch -u origin/main`)";

/// The three commits of a review, resolved to full ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    pub base: String,
    pub head: String,
    /// Where the head's branch left the base; `None` when they share no history.
    pub merge_base: Option<String>,
    /// Commits on the base since the merge base: how far it has moved since the branch left it.
    pub base_ahead: usize,
}

/// What a review can compare, given the history present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum History {
    Found(Range),
    /// A shallow clone lacks a commit the review needs; says which.
    Missing(String),
}

/// Resolves `base` and `head` and finds their merge base. A commit or merge base the checkout
/// does not have (a shallow clone) is [`History::Missing`], not an error: `ci` can fetch it or
/// say what it skipped.
pub fn review_range(root: &Path, base: &str, head: &str) -> Result<History> {
    let repo = super::open_repo(root, REVIEW_HELP)?;
    let (b, h) = match (commit_id(&repo, base, "base")?, commit_id(&repo, head, "head")?) {
        (Ok(b), Ok(h)) => (b, h),
        (Err(missing), _) | (_, Err(missing)) => return Ok(History::Missing(missing)),
    };
    let merge_base = match repo.merge_base(b, h) {
        Ok(m) => Some(m),
        Err(e) if e.code() == ErrorCode::NotFound && repo.is_shallow() => {
            return Ok(History::Missing(format!(
                "the merge base of {} and {} (the clone is shallow)",
                short(b),
                short(h)
            )))
        }
        Err(e) if e.code() == ErrorCode::NotFound => None,
        Err(e) => return Err(git_error(&e, &format!("cannot find the merge base of {base} and {head}"))),
    };
    let base_ahead = match merge_base {
        Some(m) if m != b => ahead(&repo, b, m)?,
        _ => 0,
    };
    Ok(History::Found(Range {
        base: b.to_string(),
        head: h.to_string(),
        merge_base: merge_base.map(|m| m.to_string()),
        base_ahead,
    }))
}

/// The commit a revision names; `Ok(Err(what))` when it is a commit id the clone lacks.
fn commit_id(repo: &Repository, rev: &str, role: &str) -> Result<std::result::Result<Oid, String>> {
    match repo.revparse_single(rev).and_then(|o| o.peel_to_commit()) {
        Ok(c) => Ok(Ok(c.id())),
        Err(e) if e.code() == ErrorCode::NotFound && is_commit_id(rev) => {
            Ok(Err(format!("the {role} commit {}", &rev[..rev.len().min(12)])))
        }
        Err(e) => Err(Error::usage(format!("unknown revision {rev} (the {role}): {}", e.message()))
            .help("pass a branch, a tag or a commit id (see `git log`); in CI, fetch the history (actions/checkout with fetch-depth: 0)")),
    }
}

fn is_commit_id(rev: &str) -> bool {
    (7..=64).contains(&rev.len()) && rev.chars().all(|c| c.is_ascii_hexdigit())
}

fn ahead(repo: &Repository, tip: Oid, since: Oid) -> Result<usize> {
    let walk_error = |e: git2::Error| git_error(&e, "cannot walk the history");
    let mut walk = repo.revwalk().map_err(walk_error)?;
    walk.push(tip).map_err(walk_error)?;
    walk.hide(since).map_err(walk_error)?;
    Ok(walk.filter(|c| c.is_ok()).count())
}

fn short(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

fn git_error(e: &git2::Error, what: &str) -> Error {
    Error::usage(format!("{what}: {}", e.message())).help("check the repository with `git status`")
}

/// What `review` compares with when no `--base` is given, and why: the branch's upstream, unless
/// that is this branch's own copy on the remote (a pushed feature branch), else the default
/// branch (the remote's `HEAD`, else `init.defaultBranch`, `main` or `master`).
pub fn default_base(root: &Path) -> Result<(String, String)> {
    let repo = super::open_repo(root, REVIEW_HELP)?;
    let current =
        repo.head().ok().filter(|h| h.is_branch()).and_then(|h| h.shorthand().ok().map(String::from));
    if let Some(name) = &current {
        let upstream = repo
            .find_branch(name, BranchType::Local)
            .and_then(|b| b.upstream())
            .ok()
            .and_then(|u| u.name().ok().flatten().map(String::from));
        if let Some(up) = upstream.filter(|u| u.rsplit_once('/').map_or(u.as_str(), |(_, b)| b) != name) {
            return Ok((up, format!("the upstream of {name}")));
        }
    }
    for remote in remote_names(&repo) {
        if let Ok(r) = repo.find_reference(&format!("refs/remotes/{remote}/HEAD")) {
            if let Some(target) =
                r.symbolic_target().ok().flatten().and_then(|t| t.strip_prefix("refs/remotes/"))
            {
                return Ok((target.to_string(), format!("the default branch of {remote}")));
            }
        }
    }
    let configured = repo.config().ok().and_then(|c| c.get_string("init.defaultBranch").ok());
    for name in configured.iter().map(String::as_str).chain(["main", "master"]) {
        if repo.find_branch(name, BranchType::Local).is_ok() {
            return Ok((name.to_string(), "the default branch".to_string()));
        }
    }
    Err(Error::usage("no --base given, and this branch has no upstream and there is no default branch")
        .help(REVIEW_HELP))
}

/// The remotes to fetch from: the checkout's own (`origin`) first.
fn remote_names(repo: &Repository) -> Vec<String> {
    let mut names: Vec<String> = repo
        .remotes()
        .map(|r| r.iter().filter_map(|n| n.ok().flatten().map(String::from)).collect())
        .unwrap_or_default();
    names.sort_by_key(|n| n != "origin");
    names
}

/// Fetches the history a review of `base`…`head` needs from the checkout's remote: the two
/// commits if missing, then deeper (`git fetch --deepen`, doubling) until their merge base is
/// there or the clone is whole. Returns what it did, or why it could not.
pub fn deepen(root: &Path, base: &str, head: &str) -> std::result::Result<String, String> {
    let repo = super::open_repo(root, REVIEW_HELP).map_err(|e| e.message)?;
    let workdir = repo.workdir().ok_or("the repository is bare")?.to_path_buf();
    let remote = remote_names(&repo).into_iter().next().ok_or("the checkout has no remote to fetch from")?;
    drop(repo);
    let mut steps = Vec::new();
    let mut depth = 64;
    for _ in 0..8 {
        match review_range(root, base, head) {
            Ok(History::Found(_)) => return Ok(format!("fetched from {remote}: {}", steps.join(", "))),
            Err(e) => return Err(e.message),
            Ok(History::Missing(_)) => {}
        }
        // A whole clone that lacks a commit fetches just it: a depth would make it shallow.
        let shallow = Repository::open(&workdir).map(|r| r.is_shallow()).unwrap_or(false);
        let how = if shallow { format!("--deepen={depth}") } else { "--update-shallow".to_string() };
        git_fetch(&workdir, &remote, &how, &[base, head])?;
        steps.push(how);
        if !shallow {
            break;
        }
        depth *= 4;
    }
    match review_range(root, base, head) {
        Ok(History::Found(_)) => Ok(format!("fetched from {remote}: {}", steps.join(", "))),
        _ => Err(format!("fetched {} from {remote} and still lack the history", steps.join(", "))),
    }
}

/// `git fetch` without prompting, tags or a rewritten FETCH_HEAD a user might rely on.
fn git_fetch(workdir: &Path, remote: &str, how: &str, commits: &[&str]) -> std::result::Result<(), String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(workdir)
        .args(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", how, "--", remote])
        .args(commits)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(format!("`git fetch {how} {remote}` failed: {}", stderr.trim().lines().last().unwrap_or("")))
}
