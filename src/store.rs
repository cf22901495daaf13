//! The edge: the filesystem and git. Everything else in the crate is pure.
//!
//! TODO(helper): implement. See the module doc of each function.

use crate::error::{Error, Result};
use crate::model::{Needs, RawFile};
use std::path::{Path, PathBuf};

/// Where to read the files from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revision {
    /// The working tree as it is on disk (uncommitted edits included).
    WorkTree,
    /// A git revision (`HEAD`, `main~3`, a commit id, a tag).
    Rev(String),
}

/// Finds the watchbill root: `start` or the nearest parent folder holding `watchbill.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let _ = start;
    Err(Error::usage("not implemented"))
}

/// Reads the files a load needs (see [`Needs::wants`]) under `root`, from the working tree or a
/// revision. Paths are relative to `root`, `/`-separated.
pub fn read_files(root: &Path, rev: &Revision, needs: Needs) -> Result<Vec<RawFile>> {
    let _ = (root, rev, needs);
    Err(Error::usage("not implemented"))
}

/// What a changed file held when the command read it, so a write never silently overwrites an
/// edit it did not see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// A new file: the path must not exist yet.
    Absent,
    /// The bytes the new contents were computed from.
    Bytes(Vec<u8>),
}

/// One file a command writes, with the content it was computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Relative to the watchbill root, `/`-separated.
    pub path: String,
    pub contents: Vec<u8>,
    pub base: Base,
}

/// Files written together as one commit with one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub message: String,
    pub changes: Vec<Change>,
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

pub fn apply(root: &Path, set: &ChangeSet, mode: &WriteMode) -> Result<Outcome> {
    let _ = (root, set, mode);
    Err(Error::usage("not implemented"))
}
