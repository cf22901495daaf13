//! Change sets: what a command writes, and applying one in the chosen write mode.

use super::*;

/// What a changed file held when the command read it, so a write never silently overwrites an
/// edit it did not see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// A new file: the path must not exist yet.
    Absent,
    /// The bytes the new contents were computed from.
    Bytes(Vec<u8>),
    /// A new file that replaces the file at `from`, which held `bytes`: a move, committed as one
    /// change (the new path must not exist yet, the old one is removed).
    Moved { from: String, bytes: Vec<u8> },
}

impl Base {
    /// The bytes the change was computed from, at whichever path they were.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Base::Absent => None,
            Base::Bytes(b) | Base::Moved { bytes: b, .. } => Some(b),
        }
    }

    /// The path a moved file leaves.
    pub fn moved_from(&self) -> Option<&str> {
        match self {
            Base::Moved { from, .. } => Some(from),
            _ => None,
        }
    }
}

/// One file a command writes, with the content it was computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileWrite {
    /// Relative to the watchbill root, `/`-separated.
    pub path: String,
    pub contents: Vec<u8>,
    pub base: Base,
}

/// Files written together as one commit with one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub message: String,
    pub changes: Vec<FileWrite>,
}

/// How a change set is applied: the one dry-run/real switch threaded through every write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Commit on the checked-out branch, then update the working tree and index for the paths.
    Commit,
    /// Commit on another branch (created from HEAD if missing); the checkout is not touched.
    CommitOnBranch(String),
    /// Write the files only.
    NoCommit,
    /// Write nothing; report what would change.
    DryRun,
}

/// What applying a change set did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The new commit's id, when one was made.
    pub commit: Option<String>,
    /// The branch that moved, e.g. `main`.
    pub branch: Option<String>,
    /// The paths written (or that would be written, for a dry run), relative to the root.
    pub paths: Vec<String>,
}

/// Applies a change set: writes the files and, depending on `mode`, commits them, running git's
/// hooks as `verify` says.
///
/// A commit is refused when a changed file has uncommitted edits, and fails with a conflict
/// when a file's [`Base`] no longer matches the branch tip. Naming the checked-out branch in
/// [`WriteMode::CommitOnBranch`] is the same as [`WriteMode::Commit`]: moving it without the
/// working tree would make the checkout look as if it undid the change.
pub fn apply(root: &Path, set: &ChangeSet, mode: &WriteMode, verify: Verify) -> Result<Outcome> {
    let paths = checked_paths(set)?;
    let styled = styled(set);
    let set = &styled;
    if paths.is_empty() {
        return Ok(written(paths));
    }
    match mode {
        WriteMode::DryRun => Ok(written(paths)),
        WriteMode::NoCommit => {
            for c in &set.changes {
                refuse_links(root, &c.path)?;
                write_atomic(root, &c.path, &c.contents)?;
                if let Some(from) = c.base.moved_from() {
                    refuse_links(root, from)?;
                    remove_file(root, from)?;
                }
            }
            Ok(written(paths))
        }
        WriteMode::Commit => commit_checked_out(root, set, paths, verify),
        WriteMode::CommitOnBranch(name) => commit_on_branch(root, set, name, paths, verify),
    }
}

/// How many times [`apply_edit`] recomputes an edit that lost a race.
pub(super) const EDIT_ATTEMPTS: u32 = 20;

/// Applies an edit computed from the files as they are now. `build` gets a reader of the
/// current content (the branch tip when committing, the working tree otherwise) and returns the
/// change set; when another writer changed one of its files before the commit, `build` runs
/// again on their version, so concurrent edits of one file (two `crew away` at once) all land.
pub fn apply_edit(
    root: &Path,
    mode: &WriteMode,
    verify: Verify,
    mut build: impl FnMut(&dyn Fn(&str) -> Result<Option<Vec<u8>>>) -> Result<ChangeSet>,
) -> Result<(ChangeSet, Outcome)> {
    let mut jitter = Jitter::seeded();
    let mut attempt = 0;
    loop {
        let set = build(&|path| read_current(root, mode, path))?;
        match apply(root, &set, mode, verify) {
            Err(e) if e.exit == crate::error::Exit::Conflict && attempt + 1 < EDIT_ATTEMPTS => {
                attempt += 1;
                jitter.pause(attempt);
            }
            other => return other.map(|outcome| (set, outcome)),
        }
    }
}

/// A file's current bytes, where a write in `mode` will land: the tip of the branch it commits
/// on, or the working tree. `None` when the file does not exist there.
pub fn read_current(root: &Path, mode: &WriteMode, path: &str) -> Result<Option<Vec<u8>>> {
    let branch = match mode {
        WriteMode::NoCommit | WriteMode::DryRun => return read_worktree(root, path),
        WriteMode::Commit => None,
        WriteMode::CommitOnBranch(name) => Some(format!("refs/heads/{name}")),
    };
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let tip = match branch.map(|b| repo.refname_to_id(&b)) {
        Some(Ok(id)) => Some(id),
        _ => head_commit(&repo)?,
    };
    let tree = tip
        .map(|id| repo.find_commit(id).and_then(|c| c.tree()))
        .transpose()
        .map_err(|e| missing_object("the branch tip", &e))?;
    match entry_at(&repo, tree.as_ref(), &in_repo(&prefix, path))? {
        Entry::Blob(_, bytes) => Ok(Some(bytes)),
        _ => Ok(None),
    }
}

pub(super) fn read_worktree(root: &Path, path: &str) -> Result<Option<Vec<u8>>> {
    let full = on_disk(root, path);
    match fs::read(&full) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(read_error(&full, e)),
    }
}

/// Removes a file of the working tree (a moved file's old place); one already gone is fine.
pub(super) fn remove_file(root: &Path, path: &str) -> Result<()> {
    let full = on_disk(root, path);
    match fs::remove_file(&full) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(write_error(&full, e)),
        _ => Ok(()),
    }
}

pub(super) fn written(paths: Vec<String>) -> Outcome {
    Outcome { commit: None, branch: None, paths }
}

/// Each edited file's new contents in the style of what it was computed from (its BOM and
/// CRLF), so an edit changes only the lines it means to.
fn styled(set: &ChangeSet) -> ChangeSet {
    let changes = set
        .changes
        .iter()
        .map(|c| match c.base.bytes() {
            Some(b) => FileWrite { contents: keep_style(b, c.contents.clone()), ..c.clone() },
            None => c.clone(),
        })
        .collect();
    ChangeSet { message: set.message.clone(), changes }
}
