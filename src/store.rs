//! The edge: the filesystem and git. Everything else in the crate is pure.
//!
//! Reads come from the working tree or from a git revision. A write is one commit per change
//! set, built from the branch tip rather than from the user's index (so their staged work is never
//! swept into our commit), and the branch is moved with a compare-and-swap so that concurrent
//! writers never lose each other's commits: the loser rebuilds on the new tip and tries again.
//!
//! One file per seam: [`reading`] and [`worktree`]/[`revisions`] (where files come from),
//! [`opening`] (the repository), [`change_set`] and [`paths`] (what a write is), [`atomic`]
//! (how a file is written), [`commit`], [`history`] (an import), [`checkout`], [`lock`] and
//! [`journal`] (after a commit), [`identity`] (who commits), [`templates`], [`plain_files`].

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::model::{settings, Needs, RawFile, KNOWN_TOP};
use git2::{build::TreeUpdateBuilder, ErrorCode, FileMode, ObjectType, Oid, Repository, Signature, Tree};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub mod merge_base;

/// Where to read the files from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revision {
    /// The working tree as it is on disk (uncommitted edits included).
    WorkTree,
    /// A git revision (`HEAD`, `main~3`, a commit id, a tag).
    Rev(String),
}

const HISTORY_HELP: &str =
    "check `git log`; in CI, fetch the history the command needs (actions/checkout with fetch-depth: 0)";
const NOT_A_REPO_HELP: &str = "run `git init`, or pass --no-commit to write the files without committing";
const READ_NOT_A_REPO_HELP: &str = "run `git init`, or drop --rev to read the files on disk";
const UNKNOWN_AUTHOR_HELP: &str =
    "git config --global user.name \"Your Name\" && git config --global user.email you@example.org";

mod atomic;
mod change_set;
mod checkout;
mod commit;
mod config;
mod filters;
mod history;
mod hooks;
mod identity;
mod journal;
mod lock;
mod opening;
mod paths;
mod plain_files;
mod reading;
mod revisions;
mod signing;
mod sparse;
mod templates;
mod worktree;

use atomic::*;
pub use change_set::*;
use checkout::*;
use commit::*;
use config::*;
use filters::*;
pub use history::*;
pub use hooks::*;
pub use identity::*;
use journal::*;
use lock::*;
pub use opening::*;
use paths::*;
pub use plain_files::*;
pub use reading::*;
pub use revisions::*;
use signing::*;
use sparse::*;
pub use templates::*;
use worktree::*;

// A cache keyed by blob id (issue 20): which blob a file holds, and the file under .git/watchbill/.
mod blob_ids;
mod cache;
pub use blob_ids::*;
pub use cache::*;
