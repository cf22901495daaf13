//! The edge: the filesystem and git. Everything else in the crate is pure.
//!
//! Reads come from the working tree or from a git revision. A write is one commit per change
//! set, built from the branch tip rather than from the user's index (so their staged work is never
//! swept into our commit), and the branch is moved with a compare-and-swap so that concurrent
//! writers never lose each other's commits: the loser rebuilds on the new tip and tries again.

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::model::{settings, Needs, RawFile, KNOWN_TOP};
use git2::{build::TreeUpdateBuilder, ErrorCode, FileMode, ObjectType, Oid, Repository, Signature, Tree};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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

/// Finds the watchbill root: `start` or the nearest parent folder holding `watchbill.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let abs = fs::canonicalize(start).map_err(|e| {
        Error::usage(format!("cannot open {}: {e}", start.display()))
            .help("check the folder (given with -C, or the current one)")
    })?;
    // A symlinked watchbill.toml still marks the root, so `check` can say why it is not read.
    abs.ancestors()
        .find(|dir| fs::symlink_metadata(dir.join(settings::FILE)).is_ok())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Error::usage(format!("no watchbill.toml in {} or any parent folder", abs.display()))
                .help("run `watchbill init` to create one, or pass -C DIR")
        })
}

/// Reads the files a load needs (see [`Needs::wants`]) under `root`, from the working tree or a
/// revision. Paths are relative to `root`, `/`-separated.
pub fn read_files(root: &Path, rev: &Revision, needs: Needs) -> Result<Vec<RawFile>> {
    Reader::open(root, rev)?.read(needs)
}

/// What a read of the working tree left out, as warnings: symbolic links (never followed, so
/// nothing outside the root is read, `templates/` included) and what is not a regular file (a
/// FIFO would block a read).
fn skipped_warnings(root: &Path, mut skipped: Vec<(String, Skip)>) -> Vec<Diagnostic> {
    skipped.extend(template_links(root).into_iter().map(|p| (p, Skip::Symlink)));
    skipped.sort();
    skipped.dedup();
    skipped
        .into_iter()
        .map(|(path, why)| match why {
            Skip::Symlink => Diagnostic::warning("symlink", path, "symbolic links are not followed")
                .help("replace the link with the file itself: watchbill never reads outside its folder"),
            Skip::NotAFile => Diagnostic::warning(
                "unexpected-file",
                path,
                "watchbill does not know this file: it is not a regular file (a pipe, socket or device)",
            )
            .help("remove it: records are plain files"),
        })
        .collect()
}

/// Reads files from the working tree or a revision, each file at most once, so a command can
/// read the settings and the crew, then the weeks they show it needs, then more weeks if it must.
pub struct Reader {
    root: PathBuf,
    /// The repository and the root's tree in the revision; `None` for the working tree.
    revision: Option<(Repository, Oid)>,
    read: std::collections::HashSet<String>,
    /// What the walks of the working tree left out (links, pipes), to warn about.
    skipped: Vec<(String, Skip)>,
}

/// Below this many files a read stays on one thread: threads (and, for a revision, a repository
/// opened by each) would cost more than they save.
const FILES_PER_THREAD: usize = 256;

impl Reader {
    pub fn open(root: &Path, rev: &Revision) -> Result<Reader> {
        let revision = match rev {
            Revision::WorkTree => None,
            Revision::Rev(r) => {
                // Read objects as git does: their hashes are checked by `git fsck`, not at every
                // read (a third of the time of reading a large history), and a damaged object
                // still fails to inflate.
                git2::opts::strict_hash_verification(false);
                let repo = open_repo(root, READ_NOT_A_REPO_HELP)?;
                let prefix = prefix_in(&repo, root)?;
                let sub = {
                    let tree = revision_tree(&repo, r)?;
                    root_tree(&repo, &tree, &prefix, r)?.id()
                };
                Some((repo, sub))
            }
        };
        Ok(Reader { root: root.to_path_buf(), revision, read: Default::default(), skipped: Vec::new() })
    }

    /// The files `needs` wants that this reader has not returned yet, sorted by path.
    pub fn read(&mut self, needs: Needs) -> Result<Vec<RawFile>> {
        self.read_where(&|path| needs.wants(path))
    }

    /// The files at `paths` (those there are) that this reader has not returned yet.
    pub fn read_paths(&mut self, paths: &std::collections::BTreeSet<String>) -> Result<Vec<RawFile>> {
        // Asked of folders too: a folder is wanted when a path lies under it.
        self.read_where(&|p| {
            paths.contains(p)
                || paths.range(format!("{p}/")..).next().is_some_and(|q| q.starts_with(&format!("{p}/")))
        })
    }

    /// The files `wanted` accepts (it is asked of folders too, to skip them whole) that this
    /// reader has not returned yet, sorted by path.
    fn read_where(&mut self, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<RawFile>> {
        let mut files = match &self.revision {
            None => {
                let listing = list_worktree(&self.root, wanted)?;
                self.skipped.extend(listing.skipped);
                let paths: Vec<(String, PathBuf)> =
                    listing.files.into_iter().filter(|(p, _)| !self.read.contains(p)).collect();
                read_worktree_files(paths)?
            }
            Some((repo, tree)) => {
                let mut blobs = Vec::new();
                let tree = repo.find_tree(*tree).map_err(|e| missing_object("the root's tree", &e))?;
                for top in KNOWN_TOP.iter().filter(|t| wanted(t)) {
                    if let Some(entry) = tree.get_name(top) {
                        list_blobs(repo, entry.id(), entry.filemode(), top.to_string(), wanted, &mut blobs)?;
                    }
                }
                blobs.retain(|(path, _)| !self.read.contains(path));
                read_blobs(repo, &self.root, blobs)?
            }
        };
        self.read.extend(files.iter().map(|f| f.path.clone()));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Warnings about what the reads of the working tree left out: symbolic links (never
    /// followed) and what is not a regular file, under the names read and in `templates/`.
    pub fn skipped(&self) -> Vec<Diagnostic> {
        match self.revision {
            None => skipped_warnings(&self.root, self.skipped.clone()),
            Some(_) => Vec::new(),
        }
    }
}

/// Reads files of the working tree, on every core when there are many.
fn read_worktree_files(paths: Vec<(String, PathBuf)>) -> Result<Vec<RawFile>> {
    let runs = crate::parallel::by_runs(
        paths,
        FILES_PER_THREAD,
        |_| 1,
        |run| {
            run.into_iter()
                .map(|(path, full)| {
                    let bytes = fs::read(&full).map_err(|e| read_error(&full, e))?;
                    Ok(RawFile { path, bytes })
                })
                .collect::<Result<Vec<RawFile>>>()
        },
    );
    runs.into_iter().collect::<Result<Vec<Vec<RawFile>>>>().map(|r| r.concat())
}

/// The root's folder relative to the top of its git working tree, `/`-separated, `""` at the top.
pub fn repo_prefix(root: &Path) -> Result<String> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    prefix_in(&repo, root)
}

/// The email git would put on a commit made in `root` (GIT_AUTHOR_EMAIL, else `user.email`), to
/// default the author of a record.
pub fn user_email(root: &Path) -> Option<String> {
    if let Some(email) = std::env::var("GIT_AUTHOR_EMAIL").ok().filter(|v| !v.trim().is_empty()) {
        return Some(email);
    }
    let config = match open_raw(root) {
        Ok(repo) => repo.config().ok(),
        Err(_) => git2::Config::open_default().ok(),
    };
    config.and_then(|c| c.get_string("user.email").ok()).filter(|v| !v.trim().is_empty())
}

/// Creates a git repository in `dir` unless `dir` is already inside one; true when it created one.
pub fn init_repository(dir: &Path) -> Result<bool> {
    match open_raw(dir) {
        Ok(_) => Ok(false),
        Err(e) if e.code() == ErrorCode::NotFound => {
            // git's own default branch name when the user set one, else `main`.
            let branch = git2::Config::open_default()
                .ok()
                .and_then(|c| c.get_string("init.defaultBranch").ok())
                .filter(|b| git2::Branch::name_is_valid(b).unwrap_or(false))
                .unwrap_or_else(|| "main".to_string());
            let mut opts = git2::RepositoryInitOptions::new();
            opts.initial_head(&branch);
            Repository::init_opts(dir, &opts).map_err(|e| {
                Error::usage(format!("cannot create a git repository in {}: {}", dir.display(), e.message()))
                    .help("check that the folder is writable, or run `git init` yourself")
            })?;
            Ok(true)
        }
        Err(e) => Err(open_error(dir, &e, NOT_A_REPO_HELP)),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the working tree

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The links [`read_templates`] passes over: the `templates` folder itself, or files in it.
fn template_links(root: &Path) -> Vec<String> {
    let dir = root.join(crate::render::DIR);
    if is_link(&dir) {
        return vec![crate::render::DIR.to_string()];
    }
    let Ok(entries) = fs::read_dir(&dir) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_symlink()))
        .map(|e| format!("{}/{}", crate::render::DIR, e.file_name().to_string_lossy()))
        .collect()
}

/// Why a walk left a name out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Skip {
    Symlink,
    NotAFile,
}

/// What a walk of the known names found: regular files, by their `/`-separated name relative
/// to the root and their real path, and what it left out.
#[derive(Default)]
struct Listing {
    files: Vec<(String, PathBuf)>,
    skipped: Vec<(String, Skip)>,
}

/// Editor droppings and hidden files are never records; skipping them keeps `check` quiet about
/// `.DS_Store`, `.x.swp` or `x.toml~`.
fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// The files under the names `keep` accepts, and what the walk left out; `keep` is asked of
/// folders too, so a folder it refuses is never listed.
fn list_worktree(root: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Listing> {
    let mut out = Listing::default();
    for top in KNOWN_TOP.iter().filter(|t| keep(t)) {
        let path = root.join(top);
        match fs::symlink_metadata(&path) {
            Ok(meta) => visit(top.to_string(), path, meta.file_type(), keep, &mut out)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(read_error(&path, e)),
        }
    }
    Ok(out)
}

/// Sorts one entry into the listing; `kind` comes from the directory entry, which (unlike
/// `metadata`) does not follow links and usually costs no extra system call. `rel` is the name
/// shown and checked (a name that is not UTF-8 shows with U+FFFD, and `check` rejects it as an
/// id); `full` is the real path, so such a file is still read and reported, never a read error.
fn visit(
    rel: String,
    full: PathBuf,
    kind: fs::FileType,
    keep: &dyn Fn(&str) -> bool,
    out: &mut Listing,
) -> Result<()> {
    if !keep(&rel) {
        return Ok(());
    }
    if kind.is_symlink() {
        out.skipped.push((rel, Skip::Symlink));
    } else if kind.is_file() {
        out.files.push((rel, full));
    } else if kind.is_dir() {
        for entry in fs::read_dir(&full).map_err(|e| read_error(&full, e))? {
            let entry = entry.map_err(|e| read_error(&full, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_ignored_name(&name) {
                continue;
            }
            let kind = entry.file_type().map_err(|e| read_error(&entry.path(), e))?;
            visit(format!("{rel}/{name}"), entry.path(), kind, keep, out)?;
        }
    } else {
        // A FIFO, a socket or a device is not a record, and reading it could block.
        out.skipped.push((rel, Skip::NotAFile));
    }
    Ok(())
}

/// The on-disk path of a `/`-separated path relative to the root, built component by component
/// so it is right on every OS.
fn on_disk(root: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c))
}

fn read_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("cannot read {}: {e}", path.display()))
        .help("check that it exists and that you may read it (permissions)")
}

// ---------------------------------------------------------------------------------------------
// Reading a revision

/// How a file differs between two revisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileChange {
    Added,
    Modified,
    Deleted,
}

/// The watchbill files (the known names under the root) that differ between two revisions,
/// sorted by path, read straight from git objects: no checkout needed, so it works on CI's
/// detached checkouts as long as both commits were fetched. A base that predates watchbill
/// counts as empty.
pub fn changed_paths(root: &Path, base: &str, head: &str) -> Result<Vec<(String, FileChange)>> {
    let repo = open_repo(root, READ_NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let head_tree = revision_tree(&repo, head)?;
    let head_sub = root_tree(&repo, &head_tree, &prefix, head)?;
    let base_tree = revision_tree(&repo, base)?;
    let base_sub = root_tree(&repo, &base_tree, &prefix, base).ok();
    let diff = repo
        .diff_tree_to_tree(base_sub.as_ref(), Some(&head_sub), None)
        .map_err(git_error(format!("cannot compare {base} with {head}")))?;
    let mut out: Vec<(String, FileChange)> = diff
        .deltas()
        .filter_map(|d| {
            let kind = match d.status() {
                git2::Delta::Added => FileChange::Added,
                git2::Delta::Deleted => FileChange::Deleted,
                git2::Delta::Modified | git2::Delta::Typechange => FileChange::Modified,
                _ => return None,
            };
            let file = if kind == FileChange::Deleted { d.old_file() } else { d.new_file() };
            let path = file.path()?.to_str()?.replace('\\', "/");
            Needs::ALL.wants(&path).then_some((path, kind))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Whether a revision holds the watchbill root's settings (a base may predate watchbill).
pub fn has_root_at(root: &Path, rev: &str) -> Result<bool> {
    let repo = open_repo(root, READ_NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let tree = revision_tree(&repo, rev)?;
    let found = root_tree(&repo, &tree, &prefix, rev).is_ok();
    Ok(found)
}

fn revision_tree<'r>(repo: &'r Repository, rev: &str) -> Result<Tree<'r>> {
    let object = repo.revparse_single(rev).map_err(|e| unknown_revision(rev, &e))?;
    let commit = object.peel_to_commit().map_err(|e| {
        Error::usage(format!("{rev} does not name a commit: {}", e.message()))
            .help("pass a branch, a tag or a commit id (see `git log`)")
    })?;
    commit.tree().map_err(|e| missing_object(&format!("the tree of {rev}"), &e))
}

fn unknown_revision(rev: &str, e: &git2::Error) -> Error {
    match e.code() {
        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::UnbornBranch => {
            Error::usage(format!("unknown revision {rev}")).help(HISTORY_HELP)
        }
        ErrorCode::Ambiguous => Error::usage(format!("revision {rev} is ambiguous"))
            .help("use a longer commit id or the full ref name (refs/heads/…, refs/tags/…)"),
        _ => Error::usage(format!("cannot read revision {rev}: {}", e.message())).help(HISTORY_HELP),
    }
}

fn missing_object(what: &str, e: &git2::Error) -> Error {
    Error::usage(format!("cannot read {what} from git: {}", e.message()))
        .help(format!("the object may be missing from a shallow clone; {HISTORY_HELP}"))
}

/// The tree of the watchbill root inside a revision's tree.
fn root_tree<'r>(repo: &'r Repository, tree: &Tree<'r>, prefix: &str, rev: &str) -> Result<Tree<'r>> {
    let settings_path = in_repo(prefix, settings::FILE);
    let not_there = || {
        Error::usage(format!("{settings_path} is not in revision {rev}"))
            .help(format!("pick a revision that has it: `git log --oneline -- {settings_path}`"))
    };
    let sub = if prefix.is_empty() {
        repo.find_tree(tree.id()).map_err(|e| missing_object(&format!("the tree of {rev}"), &e))?
    } else {
        let entry = tree.get_path(Path::new(prefix)).map_err(|_| not_there())?;
        if entry.kind() != Some(ObjectType::Tree) {
            return Err(not_there());
        }
        repo.find_tree(entry.id()).map_err(|e| missing_object(&format!("{prefix} in {rev}"), &e))?
    };
    sub.get_name(settings::FILE).ok_or_else(not_there)?;
    Ok(sub)
}

const MODE_TREE: i32 = 0o040000;
const MODE_BLOB: i32 = 0o100644;
const MODE_BLOB_GROUP_WRITABLE: i32 = 0o100664;
const MODE_EXECUTABLE: i32 = 0o100755;

/// The blobs under a tree entry that `keep` accepts (asked of trees too, to skip whole weeks).
fn list_blobs(
    repo: &Repository,
    id: Oid,
    mode: i32,
    rel: String,
    keep: &dyn Fn(&str) -> bool,
    out: &mut Vec<(String, Oid)>,
) -> Result<()> {
    if !keep(&rel) {
        return Ok(());
    }
    match mode {
        MODE_TREE => {
            let tree = repo.find_tree(id).map_err(|e| missing_object(&rel, &e))?;
            for entry in tree.iter() {
                let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
                if !is_ignored_name(&name) {
                    list_blobs(repo, entry.id(), entry.filemode(), format!("{rel}/{name}"), keep, out)?;
                }
            }
        }
        MODE_BLOB | MODE_BLOB_GROUP_WRITABLE | MODE_EXECUTABLE => out.push((rel, id)),
        // Symbolic links (0o120000) and submodules (0o160000) point outside the folder.
        _ => {}
    }
    Ok(())
}

/// Reads blobs, on every core when there are many: a `Repository` is not `Sync`, so each
/// thread opens its own, as `open_repo` found it.
fn read_blobs(repo: &Repository, root: &Path, blobs: Vec<(String, Oid)>) -> Result<Vec<RawFile>> {
    let read = |repo: &Repository, run: Vec<(String, Oid)>| {
        run.into_iter()
            .map(|(path, id)| {
                let blob = repo.find_blob(id).map_err(|e| missing_object(&path, &e))?;
                Ok(RawFile { path, bytes: blob.content().to_vec() })
            })
            .collect::<Result<Vec<RawFile>>>()
    };
    if blobs.len() < 2 * FILES_PER_THREAD {
        return read(repo, blobs);
    }
    let runs = crate::parallel::by_runs(
        blobs,
        FILES_PER_THREAD,
        |_| 1,
        |run| read(&open_repo(root, READ_NOT_A_REPO_HELP)?, run),
    );
    runs.into_iter().collect::<Result<Vec<Vec<RawFile>>>>().map(|r| r.concat())
}

// ---------------------------------------------------------------------------------------------
// Opening the repository

fn open_raw(root: &Path) -> std::result::Result<Repository, git2::Error> {
    if std::env::var_os("GIT_DIR").is_some() {
        return Repository::open_from_env();
    }
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    Repository::open_ext(root, git2::RepositoryOpenFlags::empty(), &ceilings)
}

fn open_repo(root: &Path, not_found_help: &str) -> Result<Repository> {
    open_raw(root).map_err(|e| open_error(root, &e, not_found_help))
}

fn open_error(root: &Path, e: &git2::Error, not_found_help: &str) -> Error {
    let msg = e.message();
    if msg.contains("refstorage") || msg.contains("reftable") {
        return Error::usage(
            "this repository uses git's reftable ref storage, which watchbill (libgit2) cannot read yet",
        )
        .help("convert it with `git refs migrate --ref-format=files`");
    }
    match e.code() {
        ErrorCode::NotFound => {
            Error::usage(format!("{} is not inside a git repository", root.display())).help(not_found_help)
        }
        ErrorCode::Owner => {
            let dir = guess_repo_dir(root);
            Error::usage(format!("the repository at {} is owned by another user", dir.display()))
                .help(format!("git config --global --add safe.directory {}", dir.display()))
        }
        _ => Error::usage(format!("cannot open the git repository around {}: {msg}", root.display()))
            .help("check the repository with `git status`"),
    }
}

/// The folder holding `.git` above `root`, to name in messages when libgit2 would not open it.
fn guess_repo_dir(root: &Path) -> PathBuf {
    root.ancestors().find(|d| d.join(".git").exists()).unwrap_or(root).to_path_buf()
}

fn prefix_in(repo: &Repository, root: &Path) -> Result<String> {
    let workdir = repo.workdir().ok_or_else(|| bare_repository(repo))?;
    let workdir = canonical(workdir)?;
    let root = canonical(root)?;
    let rel = root.strip_prefix(&workdir).map_err(|_| {
        Error::usage(format!(
            "{} is outside the working tree of the git repository at {}",
            root.display(),
            workdir.display()
        ))
        .help("run watchbill inside the repository's working tree (check GIT_DIR and GIT_WORK_TREE)")
    })?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/")).ok_or_else(|| {
        Error::usage(format!("the path {} is not valid UTF-8", rel.display()))
            .help("rename the folders above watchbill.toml to UTF-8 names")
    })
}

fn bare_repository(repo: &Repository) -> Error {
    Error::usage(format!("{} is a bare repository; watchbill needs a working tree", repo.path().display()))
        .help("clone it (`git clone <path> <folder>`) and run watchbill in the clone")
}

fn canonical(path: &Path) -> Result<PathBuf> {
    fs::canonicalize(path).map_err(|e| {
        Error::usage(format!("cannot open {}: {e}", path.display())).help("check that the folder exists")
    })
}

/// A root-relative path as a path in the repository's tree.
fn in_repo(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{prefix}/{path}")
    }
}

fn git_error(what: impl std::fmt::Display) -> impl FnOnce(git2::Error) -> Error {
    move |e| {
        Error::usage(format!("{what}: {}", e.message()))
            .help("check the repository with `git status` and `git fsck`")
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

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

/// Applies a change set: writes the files and, depending on `mode`, commits them.
///
/// A commit is refused when a changed file has uncommitted edits, and fails with a conflict
/// when a file's [`Base`] no longer matches the branch tip. Naming the checked-out branch in
/// [`WriteMode::CommitOnBranch`] is the same as [`WriteMode::Commit`]: moving it without the
/// working tree would make the checkout look as if it undid the change.
pub fn apply(root: &Path, set: &ChangeSet, mode: &WriteMode) -> Result<Outcome> {
    let paths = checked_paths(set)?;
    if paths.is_empty() {
        return Ok(written(paths));
    }
    match mode {
        WriteMode::DryRun => Ok(written(paths)),
        WriteMode::NoCommit => {
            for c in &set.changes {
                refuse_links(root, &c.path)?;
                write_atomic(root, &c.path, &c.contents)?;
            }
            Ok(written(paths))
        }
        WriteMode::Commit => commit_checked_out(root, set, paths),
        WriteMode::CommitOnBranch(name) => commit_on_branch(root, set, name, paths),
    }
}

/// How many times [`apply_edit`] recomputes an edit that lost a race.
const EDIT_ATTEMPTS: u32 = 20;

/// Applies an edit computed from the files as they are now. `build` gets a reader of the
/// current content (the branch tip when committing, the working tree otherwise) and returns the
/// change set; when another writer changed one of its files before the commit, `build` runs
/// again on their version, so concurrent edits of one file (two `crew away` at once) all land.
pub fn apply_edit(
    root: &Path,
    mode: &WriteMode,
    mut build: impl FnMut(&dyn Fn(&str) -> Result<Option<Vec<u8>>>) -> Result<ChangeSet>,
) -> Result<(ChangeSet, Outcome)> {
    let mut jitter = Jitter::seeded();
    let mut attempt = 0;
    loop {
        let set = build(&|path| read_current(root, mode, path))?;
        match apply(root, &set, mode) {
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

fn read_worktree(root: &Path, path: &str) -> Result<Option<Vec<u8>>> {
    let full = on_disk(root, path);
    match fs::read(&full) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(read_error(&full, e)),
    }
}

/// The repository's own templates (`templates/*` under the root), by file name. Links and
/// sub-folders are skipped: a template is never read from outside the root.
pub fn read_templates(root: &Path) -> Result<std::collections::BTreeMap<String, String>> {
    let dir = root.join(crate::render::DIR);
    let mut out = std::collections::BTreeMap::new();
    // read_dir follows a linked folder: a `templates` link would read outside the root.
    if is_link(&dir) {
        return Ok(out);
    }
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(read_error(&dir, e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || name.starts_with('.') {
            continue;
        }
        let text = fs::read_to_string(entry.path())
            .map_err(|e| read_error(&entry.path(), e).help("templates are UTF-8 text files"))?;
        out.insert(name, text);
    }
    Ok(out)
}

/// The repository's own templates as they are in `rev` (the working tree, or a revision, so
/// `render --rev` uses the templates of the same commit as the data). Links and sub-folders are
/// skipped, as on disk.
pub fn read_templates_at(root: &Path, rev: &Revision) -> Result<std::collections::BTreeMap<String, String>> {
    let r = match rev {
        Revision::WorkTree => return read_templates(root),
        Revision::Rev(r) => r,
    };
    let repo = open_repo(root, READ_NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let tree = revision_tree(&repo, r)?;
    let sub = root_tree(&repo, &tree, &prefix, r)?;
    let mut out = std::collections::BTreeMap::new();
    let Some(dir) = sub.get_name(crate::render::DIR).filter(|e| e.filemode() == MODE_TREE) else {
        return Ok(out);
    };
    let dir = repo.find_tree(dir.id()).map_err(|e| missing_object(crate::render::DIR, &e))?;
    for entry in dir.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        let is_file = matches!(entry.filemode(), MODE_BLOB | MODE_BLOB_GROUP_WRITABLE | MODE_EXECUTABLE);
        if !is_file || name.starts_with('.') {
            continue;
        }
        let blob = repo.find_blob(entry.id()).map_err(|e| missing_object(&name, &e))?;
        let text = std::str::from_utf8(blob.content()).map_err(|_| {
            Error::usage(format!("{}/{name} in {r} is not UTF-8 text", crate::render::DIR))
                .help("templates are UTF-8 text files")
        })?;
        out.insert(name, text.to_string());
    }
    Ok(out)
}

fn written(paths: Vec<String>) -> Outcome {
    Outcome { commit: None, branch: None, paths }
}

/// The change set's paths, once each is known to be a plain relative path; anything else is a
/// bug in the caller, and must not escape the root or reach `.git`.
fn checked_paths(set: &ChangeSet) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    for c in &set.changes {
        if let Some(why) = path_problem(&c.path) {
            return Err(Error::refused(format!("refusing to write {:?}: {why}", c.path))
                .help("this is a bug in watchbill; please report it"));
        }
        if !seen.insert(c.path.as_str()) {
            return Err(Error::refused(format!("{} is written twice in one change", c.path))
                .help("this is a bug in watchbill; please report it"));
        }
    }
    Ok(set.changes.iter().map(|c| c.path.clone()).collect())
}

fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("the path is empty")
    } else if path.starts_with('/') {
        Some("the path is absolute")
    } else if path.contains('\\') {
        Some("the path contains a backslash")
    } else if path.chars().any(char::is_control) {
        Some("the path contains a control character")
    } else if path.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        Some("the path has an empty, `.` or `..` component")
    } else if path.split('/').any(|c| c.eq_ignore_ascii_case(".git")) {
        Some("the path goes into .git")
    } else {
        None
    }
}

/// Refuses a path that goes through (or is) a symbolic link: a write must never land outside
/// the root, and replacing a link would silently change what it meant.
fn refuse_links(root: &Path, rel: &str) -> Result<()> {
    let mut at = root.to_path_buf();
    for component in rel.split('/') {
        at.push(component);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::refused(format!(
                    "{} is a symbolic link; watchbill does not write through links",
                    at.display()
                ))
                .help("replace the link with the real file or folder, then run the command again"));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes a file so readers see the old or the new bytes, never a torn file: a temporary file in
/// the same folder, synced, then renamed over the target.
fn write_atomic(root: &Path, rel: &str, contents: &[u8]) -> Result<()> {
    let target = on_disk(root, rel);
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(Error::refused(format!("cannot write {}: it has no folder", target.display()))
            .help("this is a bug in watchbill; please report it"));
    };
    fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    sweep_temp_files(dir);
    let seq = TEMP_SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{}{TEMP_MARK}{}-{seq}", name.to_string_lossy(), std::process::id()));
    let result = write_synced(&tmp, contents).and_then(|()| fs::rename(&tmp, &target));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(write_error(&target, e));
    }
    sync_dir(dir);
    Ok(())
}

/// Marks the temporary files of [`write_atomic`]: `.<name>.watchbill-tmp-<pid>-<n>`.
const TEMP_MARK: &str = ".watchbill-tmp-";

/// Removes the temporary files a killed writer left in `dir`. Watchbill never reads them (they
/// are hidden), but `git status` would list them, and `git add -A` would commit them.
fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_pid) else { continue };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The writer's pid in a temporary file's name.
fn temp_file_pid(name: &str) -> Option<u32> {
    let (_, rest) = name.strip_prefix('.')?.rsplit_once(TEMP_MARK)?;
    let (pid, seq) = rest.split_once('-')?;
    seq.parse::<u64>().ok()?;
    pid.parse().ok()
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without /proc there is no cheap portable check: assume the writer lives, and leave its file.
#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    true
}

fn write_synced(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes the rename itself durable. Best effort: not every OS or filesystem can sync a folder,
/// and the file is already safely written either way.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn write_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("cannot write {}: {e}", path.display()))
        .help("check that the folder is writable and the disk is not full")
}

// ---------------------------------------------------------------------------------------------
// Plain files outside the crew's records: CI's summary and outputs, a calendar feed, the editor

/// Reads a text file (an event payload, say).
pub fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| read_error(path, e))
}

/// Writes a text file (a calendar feed, a comment body) atomically.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    let (dir, name) = match (path.parent(), path.file_name()) {
        (Some(d), Some(n)) => (if d.as_os_str().is_empty() { Path::new(".") } else { d }, n),
        _ => return Err(Error::usage(format!("{} is not a file path", path.display()))),
    };
    write_atomic(dir, &name.to_string_lossy(), text.as_bytes())
}

/// Appends to a file, creating it: GitHub's step summary and outputs are appended to.
pub fn append_file(path: &Path, text: &str) -> Result<()> {
    let mut f =
        fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| write_error(path, e))?;
    f.write_all(text.as_bytes()).map_err(|e| write_error(path, e))
}

pub fn create_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| write_error(dir, e))
}

/// Runs `editor` on a temporary copy of `text` named `name` and returns what the user saved.
/// The command goes through the shell, as git does, so EDITOR may carry arguments
/// (`code --wait`).
pub fn edit_in_editor(editor: &str, text: &str, scratch: &str, name: &str) -> Result<String> {
    let dir = std::env::temp_dir().join(scratch);
    create_dir(&dir)?;
    let path = dir.join(name);
    let result = fs::write(&path, text).map_err(|e| write_error(&path, e)).and_then(|()| {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status()
            .map_err(|e| {
                Error::usage(format!("cannot start the editor `{editor}`: {e}"))
                    .help("set $EDITOR, or pass -m TEXT")
            })?;
        if !status.success() {
            return Err(Error::refused(format!(
                "the editor `{editor}` failed ({status}); nothing was written"
            )));
        }
        read_text(&path)
    });
    let _ = fs::remove_dir_all(&dir);
    result
}

// ---------------------------------------------------------------------------------------------
// Committing

/// The branch a commit goes on.
struct Target {
    refname: String,
    short: String,
    /// Whether it is the checked-out branch (a missing one is then unborn, not to be created
    /// from HEAD).
    checked_out: bool,
}

/// The branch as read before an attempt: its value (for the compare-and-swap) and the commit
/// the new one builds on.
struct Tip {
    current: Option<Oid>,
    parent: Option<Oid>,
}

fn commit_checked_out(root: &Path, set: &ChangeSet, paths: Vec<String>) -> Result<Outcome> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let target = checked_out_branch(&repo)?;
    for c in &set.changes {
        refuse_links(root, &c.path)?;
    }
    // Held from the check of the working tree to its update: another watchbill in this checkout
    // must never see our commit made but our files not yet written (it would take them for the
    // user's uncommitted edits).
    let _lock = IndexLock::acquire(repo.path())?;
    wait_for_git_index(repo.path())?;
    finish_pending(&repo)?;
    refuse_uncommitted(&repo, root, &prefix, &set.changes)?;
    let who = signatures(&repo)?;
    write_atomic(repo.path(), PENDING, pending_journal(&prefix, &set.changes)?.as_bytes())?;
    let committed = commit_with_retry(&repo, &target, &prefix, set, &who);
    if committed.is_err() {
        // Nothing landed: the journal has nothing to finish.
        let _ = clear_pending(&repo);
    }
    let Some(commit) = committed? else {
        clear_pending(&repo)?;
        return Ok(written(paths));
    };
    update_checkout(&repo, root, &prefix, &set.changes).map_err(|e| {
        let id = commit.to_string();
        let restore = format!("git restore --staged --worktree --source=HEAD -- {}", paths.join(" "));
        e.context(format!(
            "committed {} on {}, but could not update the working tree",
            &id[..10],
            target.short
        ))
        .help(format!("the next watchbill command that writes finishes it; or run: {restore}"))
    })?;
    clear_pending(&repo)?;
    Ok(Outcome { commit: Some(commit.to_string()), branch: Some(target.short), paths })
}

fn commit_on_branch(root: &Path, set: &ChangeSet, name: &str, paths: Vec<String>) -> Result<Outcome> {
    if !git2::Branch::name_is_valid(name).unwrap_or(false) {
        return Err(Error::usage(format!("{name:?} is not a valid branch name"))
            .help("branch names cannot contain spaces, `..`, `~`, `^`, `:` or end in `.lock` (see `git check-ref-format --branch`)"));
    }
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let refname = format!("refs/heads/{name}");
    if head_branch(&repo).as_deref() == Some(refname.as_str()) {
        drop(repo);
        return commit_checked_out(root, set, paths);
    }
    let target = Target { refname, short: name.to_string(), checked_out: false };
    let who = signatures(&repo)?;
    let commit = commit_with_retry(&repo, &target, &prefix, set, &who)?;
    Ok(Outcome { commit: commit.map(|c| c.to_string()), branch: commit.map(|_| target.short), paths })
}

/// The full name of the branch HEAD points to, if it points to one.
fn head_branch(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let name = head.symbolic_target().ok().flatten()?;
    name.starts_with("refs/heads/").then(|| name.to_string())
}

fn checked_out_branch(repo: &Repository) -> Result<Target> {
    let refname = head_branch(repo).ok_or_else(|| {
        Error::usage("HEAD is detached (not on a branch)")
            .help("check out a branch (`git switch main`) or pass --branch")
    })?;
    let short = refname.trim_start_matches("refs/heads/").to_string();
    Ok(Target { refname, short, checked_out: true })
}

/// Refuses to commit over uncommitted work: the bases were read from the working tree, so a
/// file that differs from HEAD (on disk or staged) would sweep the user's edits into our commit.
fn refuse_uncommitted(repo: &Repository, root: &Path, prefix: &str, changes: &[Change]) -> Result<()> {
    let head = head_tree(repo)?;
    let index = repo.index().map_err(git_error("cannot read git's index"))?;
    for c in changes {
        let repo_path = in_repo(prefix, &c.path);
        let committed = entry_at(repo, head.as_ref(), &repo_path)?;
        let full = on_disk(root, &c.path);
        let disk = match fs::read(&full) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(read_error(&full, e)),
        };
        let staged = index.get_path(Path::new(&repo_path), 0).map(|e| e.id);
        let dirty = match (&c.base, &committed) {
            (Base::Absent, Entry::Missing) => disk.is_some() || staged.is_some(),
            (Base::Absent, _) => false, // the base check reports it as a conflict
            (Base::Bytes(_), Entry::Blob(id, bytes)) => disk.as_ref() != Some(bytes) || staged != Some(*id),
            (Base::Bytes(_), _) => disk.is_some() || staged.is_some(),
        };
        if dirty {
            return Err(Error::refused(format!("{} has uncommitted changes", c.path))
                .help("commit or stash them first (git stash), or pass --no-commit to only write the file"));
        }
    }
    Ok(())
}

fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => head.peel_to_tree().map(Some).map_err(|e| missing_object("HEAD's tree", &e)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(git_error("cannot read HEAD")(e)),
    }
}

/// What a tree holds at a path.
enum Entry {
    Missing,
    Blob(Oid, Vec<u8>),
    /// A folder, a link or a submodule.
    Other,
}

fn entry_at(repo: &Repository, tree: Option<&Tree<'_>>, path: &str) -> Result<Entry> {
    let Some(tree) = tree else { return Ok(Entry::Missing) };
    let entry = match tree.get_path(Path::new(path)) {
        Ok(entry) => entry,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(Entry::Missing),
        Err(e) => return Err(git_error(format!("cannot read {path} from git"))(e)),
    };
    if !matches!(entry.filemode(), MODE_BLOB | MODE_BLOB_GROUP_WRITABLE | MODE_EXECUTABLE) {
        return Ok(Entry::Other);
    }
    let blob = repo.find_blob(entry.id()).map_err(|e| missing_object(path, &e))?;
    Ok(Entry::Blob(entry.id(), blob.content().to_vec()))
}

const MAX_ATTEMPTS: u32 = 50;

/// Commits on the target branch, rebuilding on the new tip whenever another writer moved it
/// first. `None` when the change set changes nothing.
fn commit_with_retry(
    repo: &Repository,
    target: &Target,
    prefix: &str,
    set: &ChangeSet,
    who: &Who,
) -> Result<Option<Oid>> {
    let mut jitter = Jitter::seeded();
    for attempt in 0..MAX_ATTEMPTS {
        let tip = read_tip(repo, target)?;
        let Some(commit) = make_commit(repo, prefix, set, &tip, who)? else {
            return Ok(None);
        };
        if move_branch(repo, target, &tip, commit, &reflog_message(set, &tip))? {
            return Ok(Some(commit));
        }
        jitter.pause(attempt);
    }
    // git's lock on the branch, left by a git command that was killed, fails every attempt
    // alike; like index.lock, only a person can tell it from a running command.
    let lock = repo.path().join(format!("{}.lock", target.refname));
    if lock.exists() {
        return Err(Error::conflict(format!("git's lock on the branch {} is held ({})", target.short, lock.display()))
            .help(format!(
                "nothing was committed; a git command is running, or one was killed: if none is running, delete {}",
                lock.display()
            )));
    }
    Err(Error::conflict(format!(
        "the branch {} kept moving: {MAX_ATTEMPTS} attempts lost the race to other writers",
        target.short
    ))
    .help("nothing was committed; run the command again"))
}

fn read_tip(repo: &Repository, target: &Target) -> Result<Tip> {
    match repo.refname_to_id(&target.refname) {
        Ok(oid) => Ok(Tip { current: Some(oid), parent: Some(oid) }),
        Err(e) if e.code() == ErrorCode::NotFound => {
            let parent = if target.checked_out { None } else { head_commit(repo)? };
            Ok(Tip { current: None, parent })
        }
        Err(e) => Err(git_error(format!("cannot read the branch {}", target.short))(e)),
    }
}

fn head_commit(repo: &Repository) -> Result<Option<Oid>> {
    match repo.head() {
        Ok(head) => head.peel_to_commit().map(|c| Some(c.id())).map_err(|e| missing_object("HEAD", &e)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(git_error("cannot read HEAD")(e)),
    }
}

/// Writes the commit object (no ref moves yet); `None` when the tree would not change.
fn make_commit(
    repo: &Repository,
    prefix: &str,
    set: &ChangeSet,
    tip: &Tip,
    who: &Who,
) -> Result<Option<Oid>> {
    let parent = tip
        .parent
        .map(|p| repo.find_commit(p))
        .transpose()
        .map_err(|e| missing_object("the branch tip", &e))?;
    let base = match &parent {
        Some(c) => c.tree().map_err(|e| missing_object("the branch tip's tree", &e))?,
        None => empty_tree(repo)?,
    };
    check_bases(repo, &base, prefix, &set.changes)?;
    let mut update = TreeUpdateBuilder::new();
    for c in &set.changes {
        let blob = repo.blob(&c.contents).map_err(git_error(format!("cannot store {} in git", c.path)))?;
        update.upsert(in_repo(prefix, &c.path), blob, FileMode::Blob);
    }
    let tree_id = update.create_updated(repo, &base).map_err(git_error("cannot build the commit's tree"))?;
    if parent.is_some() && tree_id == base.id() {
        return Ok(None);
    }
    let tree = repo.find_tree(tree_id).map_err(git_error("cannot read the new tree"))?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let message = commit_message(&set.message)?;
    repo.commit(None, &who.author, &who.committer, &message, &tree, &parents)
        .map(Some)
        .map_err(git_error("cannot write the commit"))
}

fn empty_tree(repo: &Repository) -> Result<Tree<'_>> {
    let id =
        repo.treebuilder(None).and_then(|b| b.write()).map_err(git_error("cannot write an empty tree"))?;
    repo.find_tree(id).map_err(git_error("cannot read an empty tree"))
}

/// Checks each change against the tip it is about to build on: a file that changed since the
/// command read it must not be overwritten.
fn check_bases(repo: &Repository, tree: &Tree<'_>, prefix: &str, changes: &[Change]) -> Result<()> {
    for c in changes {
        let now = entry_at(repo, Some(tree), &in_repo(prefix, &c.path))?;
        let unchanged = match (&c.base, &now) {
            (Base::Absent, Entry::Missing) => true,
            (Base::Bytes(b), Entry::Blob(_, bytes)) => b == bytes,
            _ => false,
        };
        if !unchanged {
            return Err(Error::conflict(format!("{} was changed by someone else since it was read", c.path))
                .help("run the command again"));
        }
    }
    Ok(())
}

/// The message as git would store it: trailing whitespace trimmed, one final newline.
fn commit_message(message: &str) -> Result<String> {
    let clean = git2::message_prettify(message, None).unwrap_or_else(|_| format!("{}\n", message.trim_end()));
    if clean.trim().is_empty() {
        return Err(Error::refused("the commit message is empty")
            .help("this is a bug in watchbill; please report it"));
    }
    Ok(clean)
}

fn reflog_message(set: &ChangeSet, tip: &Tip) -> String {
    let subject = set.message.lines().next().unwrap_or_default();
    match tip.parent {
        Some(_) => format!("commit: {subject}"),
        None => format!("commit (initial): {subject}"),
    }
}

/// Moves the branch from the value read in `tip` to `new`; false when another writer moved it
/// (or holds its lock) meanwhile.
fn move_branch(repo: &Repository, target: &Target, tip: &Tip, new: Oid, log: &str) -> Result<bool> {
    let moved = match tip.current {
        Some(old) => repo.reference_matching(&target.refname, new, true, old, log),
        None => repo.reference(&target.refname, new, false, log),
    };
    match moved {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked | ErrorCode::Exists) => {
            Ok(false)
        }
        Err(e) => Err(git_error(format!("cannot move the branch {}", target.short))(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing a whole history at once

/// One commit of a history written by [`write_history`]: new files, who wrote them and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryCommit {
    pub message: String,
    pub author: String,
    pub email: String,
    pub time: chrono::DateTime<chrono::FixedOffset>,
    /// Paths relative to the root, `/`-separated; each path is new and appears in one commit only.
    pub files: Vec<(String, Vec<u8>)>,
}

/// What [`write_history`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryOutcome {
    pub branch: String,
    pub head: String,
    pub commits: usize,
    pub files: usize,
}

/// Writes a whole history of new files (the large example) on the checked-out branch: every
/// commit is built in memory and the lot is written as one pack, the way `git fast-import`
/// does, instead of one loose object per file and one [`apply`] per commit (seconds instead of
/// many minutes for ten years of a large organisation). The branch then moves by
/// compare-and-swap, and the files are written to the working tree and staged.
///
/// Refused when the folder already holds any of the names watchbill reads: the history only adds
/// files, it never replaces one. `progress` hears each step's name, how much is done, and of what.
pub fn write_history(
    root: &Path,
    commits: &[HistoryCommit],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<HistoryOutcome> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let target = checked_out_branch(&repo)?;
    for c in commits {
        if let Some((path, why)) = c.files.iter().find_map(|(p, _)| path_problem(p).map(|why| (p, why))) {
            return Err(Error::refused(format!("refusing to write {path:?}: {why}"))
                .help("this is a bug in watchbill; please report it"));
        }
    }
    refuse_existing_records(&repo, root, &prefix)?;
    let tip = read_tip(&repo, &target)?;
    let head = pack_history(&repo, &prefix, &tip, commits, progress)?;
    let _lock = IndexLock::acquire(repo.path())?;
    if !move_branch(&repo, &target, &tip, head, "commit: watchbill example history")? {
        return Err(Error::conflict(format!(
            "the branch {} moved while the history was written",
            target.short
        ))
        .help("nothing was changed; run the command again"));
    }
    let files: Vec<&(String, Vec<u8>)> = commits.iter().flat_map(|c| &c.files).collect();
    check_out_new_files(&repo, root, &prefix, &files, progress).map_err(|e| {
        e.context(format!("committed the history on {}, but could not write the working tree", target.short))
            .help(format!(
            "bring the files in line with the commit: git restore --staged --worktree --source=HEAD -- {}",
            if prefix.is_empty() { "." } else { &prefix }
        ))
    })?;
    Ok(HistoryOutcome {
        branch: target.short,
        head: head.to_string(),
        commits: commits.len(),
        files: files.len(),
    })
}

/// Refuses a root that already holds (on disk or at HEAD) any name watchbill reads.
fn refuse_existing_records(repo: &Repository, root: &Path, prefix: &str) -> Result<()> {
    refuse_records_on_disk(root)?;
    let head = head_tree(repo)?;
    match KNOWN_TOP
        .iter()
        .find(|t| head.as_ref().is_some_and(|h| h.get_path(Path::new(&in_repo(prefix, t))).is_ok()))
    {
        Some(top) => Err(Error::refused(format!("{top} is already committed in {}", root.display()))
            .help("generate the example in a new or empty folder")),
        None => Ok(()),
    }
}

/// Writes every commit into an in-memory object store, then all of it as one pack; returns the
/// last commit. Nothing is visible until the caller moves the branch.
fn pack_history(
    repo: &Repository,
    prefix: &str,
    tip: &Tip,
    commits: &[HistoryCommit],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Oid> {
    let odb = repo.odb().map_err(git_error("cannot open git's object database"))?;
    // Above every other backend, so new objects go to memory rather than to loose files.
    let mempack = odb.add_new_mempack_backend(1000).map_err(git_error("cannot store objects in memory"))?;
    let mut parent = tip
        .parent
        .map(|p| repo.find_commit(p))
        .transpose()
        .map_err(|e| missing_object("the branch tip", &e))?;
    for (i, c) in commits.iter().enumerate() {
        progress("committing", i, commits.len());
        let base = match &parent {
            Some(p) => p.tree().map_err(|e| missing_object("the branch tip's tree", &e))?,
            None => empty_tree(repo)?,
        };
        let mut update = TreeUpdateBuilder::new();
        for (path, bytes) in &c.files {
            let blob = repo.blob(bytes).map_err(git_error(format!("cannot store {path} in git")))?;
            update.upsert(in_repo(prefix, path), blob, FileMode::Blob);
        }
        let tree_id =
            update.create_updated(repo, &base).map_err(git_error("cannot build a commit's tree"))?;
        let tree = repo.find_tree(tree_id).map_err(git_error("cannot read a new tree"))?;
        let seconds = c.time.timestamp();
        let offset = c.time.offset().local_minus_utc() / 60;
        let who = signature(&Ident {
            name: c.author.clone(),
            email: c.email.clone(),
            seconds,
            offset_minutes: offset,
        })?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = repo
            .commit(None, &who, &who, &commit_message(&c.message)?, &tree, &parents)
            .map_err(git_error("cannot write a commit"))?;
        parent = Some(repo.find_commit(id).map_err(git_error("cannot read a new commit"))?);
    }
    let head = parent.map(|p| p.id()).ok_or_else(|| {
        Error::refused("the history has no commit").help("this is a bug in watchbill; please report it")
    })?;
    progress("packing", 0, 0);
    let pack = pack_new_objects(repo, tip, head).map_err(git_error("cannot pack the new objects"))?;
    let mut writer = odb.packwriter().map_err(git_error("cannot write a pack"))?;
    writer.write_all(&pack).map_err(|e| write_error(&repo.path().join("objects/pack"), e))?;
    writer.commit().map_err(git_error("cannot index the new pack"))?;
    mempack.reset().map_err(git_error("cannot free the objects in memory"))?;
    odb.refresh().map_err(git_error("cannot read the new pack"))?;
    Ok(head)
}

/// A pack of the objects reachable from `head` and not from the old tip, its delta search spread
/// over every core (the mempack's own dump uses one).
fn pack_new_objects(repo: &Repository, tip: &Tip, head: Oid) -> std::result::Result<git2::Buf, git2::Error> {
    let mut builder = repo.packbuilder()?;
    builder.set_threads(0);
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    if let Some(old) = tip.parent {
        walk.hide(old)?;
    }
    builder.insert_walk(&mut walk)?;
    let mut pack = git2::Buf::new();
    builder.write_buf(&mut pack)?;
    Ok(pack)
}

/// Writes new files into the working tree and stages them. The caller holds the [`IndexLock`]
/// and has checked that none of them existed.
fn check_out_new_files(
    repo: &Repository,
    root: &Path,
    prefix: &str,
    files: &[&(String, Vec<u8>)],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<()> {
    write_files(root, files, progress)?;
    progress("staging", 0, 0);
    let mut index = repo.index().map_err(git_error("cannot open git's index"))?;
    index.read(true).map_err(git_error("cannot read git's index"))?;
    let tops: Vec<String> =
        KNOWN_TOP.iter().filter(|t| root.join(t).exists()).map(|t| in_repo(prefix, t)).collect();
    // FORCE: the files are ours even where a .gitignore pattern would match them.
    index
        .add_all(tops.iter(), git2::IndexAddOption::FORCE, None)
        .map_err(git_error("cannot stage the new files"))?;
    write_index(&mut index, repo.path())
}

/// Writes many new files without committing them (`init --example --years N --no-commit`).
/// Refused when the folder already holds any of the names watchbill reads.
pub fn write_new_files(
    root: &Path,
    files: &[&(String, Vec<u8>)],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<()> {
    refuse_records_on_disk(root)?;
    write_files(root, files, progress)
}

/// Refuses a folder that holds any of the names watchbill reads, before anything is written.
pub fn refuse_records_on_disk(root: &Path) -> Result<()> {
    match KNOWN_TOP.iter().find(|t| fs::symlink_metadata(root.join(t)).is_ok()) {
        Some(top) => Err(Error::refused(format!("{} already holds {top}", root.display()))
            .help("generate the example in a new or empty folder")),
        None => Ok(()),
    }
}

/// Plain writes, each folder made once: unlike [`write_atomic`], no temporary file and no sync
/// per file, which would cost minutes for tens of thousands of new files nobody reads yet.
fn write_files(
    root: &Path,
    files: &[&(String, Vec<u8>)],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<()> {
    let mut made = std::collections::HashSet::new();
    for (i, (path, bytes)) in files.iter().enumerate() {
        if let Some(why) = path_problem(path) {
            return Err(Error::refused(format!("refusing to write {path:?}: {why}"))
                .help("this is a bug in watchbill; please report it"));
        }
        if i % 256 == 0 {
            progress("writing files", i, files.len());
        }
        let full = on_disk(root, path);
        if let Some(dir) = full.parent().filter(|d| !made.contains(*d)) {
            fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
            made.insert(dir.to_path_buf());
        }
        fs::write(&full, bytes).map_err(|e| write_error(&full, e))?;
    }
    Ok(())
}

/// A small xorshift generator: enough to spread retries apart without another crate.
struct Jitter(u64);

static JITTER_SEQ: AtomicU64 = AtomicU64::new(0);

impl Jitter {
    fn seeded() -> Jitter {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        // Threads of one process start at the same nanosecond often enough; the counter splits them.
        let seq = JITTER_SEQ.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Jitter((nanos ^ (u64::from(std::process::id()) << 32) ^ seq) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Sleeps 1 ms up to a ceiling that grows with the attempts, to at most 20 ms.
    fn pause(&mut self, attempt: u32) {
        let ceiling = (2 + 2 * u64::from(attempt)).min(20);
        std::thread::sleep(Duration::from_millis(1 + self.next() % ceiling));
    }
}

// ---------------------------------------------------------------------------------------------
// The working tree and the index after a commit on the checked-out branch

/// Writes the committed files into the working tree and stages exactly those paths, so
/// `git status` shows nothing for them and leaves the user's other work as it was.
/// The caller holds the [`IndexLock`].
fn update_checkout(repo: &Repository, root: &Path, prefix: &str, changes: &[Change]) -> Result<()> {
    // Under the lock, only files HEAD still holds are written: if a later commit by another
    // writer replaced one, that writer writes it, and ours must not land on top of theirs.
    let head = head_tree(repo)?;
    let mut current = Vec::new();
    for c in changes {
        if let Entry::Blob(_, bytes) = entry_at(repo, head.as_ref(), &in_repo(prefix, &c.path))? {
            if bytes == c.contents {
                current.push(c);
            }
        }
    }
    for c in &current {
        write_atomic(root, &c.path, &c.contents)?;
    }
    let mut index = repo.index().map_err(git_error("cannot open git's index"))?;
    // Forced re-read: another writer may have updated the index since this repository read it.
    index.read(true).map_err(git_error("cannot read git's index"))?;
    for c in &current {
        index
            .add_path(Path::new(&in_repo(prefix, &c.path)))
            .map_err(git_error(format!("cannot stage {}", c.path)))?;
    }
    write_index(&mut index, repo.path())
}

/// Writes the index, waiting a little while git's own `index.lock` is held.
fn write_index(index: &mut git2::Index, git_dir: &Path) -> Result<()> {
    let mut attempt = 0;
    loop {
        match index.write() {
            Ok(()) => return Ok(()),
            Err(e) if e.code() == ErrorCode::Locked && attempt < 50 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) if e.code() == ErrorCode::Locked => return Err(index_locked(&git_dir.join("index.lock"))),
            Err(e) => return Err(git_error("cannot write git's index")(e)),
        }
    }
}

const INDEX_LOCK: &str = "watchbill-index.lock";
// Writers queue on the lock; many at once (a team's scripts, CI) may wait a while.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// Our own lock around read-modify-write of the index: libgit2 locks the index only while
/// writing it, so two writers could each read it, add their path and drop the other's.
///
/// It is an OS file lock (`flock`), not the existence of a file: the kernel lets go of it when
/// its holder dies, so a writer killed mid-write never leaves a lock that the next one must
/// wait out or a person must delete. The file is removed on release; the holder's pid is in it
/// for a person who wonders who holds it.
struct IndexLock {
    path: PathBuf,
    /// Held open: closing it releases the lock.
    _file: fs::File,
}

impl IndexLock {
    fn acquire(git_dir: &Path) -> Result<IndexLock> {
        let path = git_dir.join(INDEX_LOCK);
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| write_error(&path, e))?;
            match file.try_lock() {
                // The previous holder removes the file as it lets go: a lock taken on a file
                // that is no longer at `path` guards nothing, so open the new one and try again.
                Ok(()) if same_file(&file, &path) => {
                    let _ = file.set_len(0);
                    let _ = writeln!(&file, "{}", std::process::id());
                    return Ok(IndexLock { path, _file: file });
                }
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    return Err(Error::conflict(format!(
                        "another watchbill{} has been updating git's index for over {} seconds",
                        if holder.is_empty() { String::new() } else { format!(" (process {holder})") },
                        LOCK_WAIT.as_secs()
                    ))
                    .help("wait for it to finish (or stop it), then run the command again"));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::usage(format!("cannot lock {}: {e}", path.display()))
                        .help("watchbill needs file locks (flock) in the .git folder; check the filesystem"))
                }
            }
        }
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        // Removed while still held, so nobody locks a file that is about to disappear.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed under its holder, so the path always names it.
#[cfg(not(unix))]
fn same_file(_file: &fs::File, path: &Path) -> bool {
    path.exists()
}

/// Waits a little while git's own `index.lock` is held, so a commit is not made that could not
/// be staged afterwards. Git's lock says nothing of its holder: only a person can tell a
/// running git command from one that died, so after the wait they are asked.
fn wait_for_git_index(git_dir: &Path) -> Result<()> {
    let lock = git_dir.join("index.lock");
    for _ in 0..50 {
        if !lock.exists() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(index_locked(&lock))
}

fn index_locked(lock: &Path) -> Error {
    Error::conflict(format!("git's index is locked ({})", lock.display())).help(format!(
        "a git command is running, or one was killed: if none is running, delete {}",
        lock.display()
    ))
}

// ---------------------------------------------------------------------------------------------
// Finishing the checkout of a writer that was killed

/// The journal of a write to the checked-out branch: written before the branch moves, removed
/// once the working tree and the index hold the new files. A writer killed in between leaves it
/// behind, and the next writer (under the same lock) finishes the checkout, so nobody has to
/// bring the files in line by hand and `git status` never shows a record as deleted.
const PENDING: &str = "watchbill-pending";

/// One line per file: the blob the commit gives it, the blob it replaces (`-` for a new file),
/// and its path in the repository (paths never hold a newline: see [`path_problem`]).
fn pending_journal(prefix: &str, changes: &[Change]) -> Result<String> {
    let mut out = String::new();
    for c in changes {
        let new = blob_id(&c.contents)?;
        let base = match &c.base {
            Base::Absent => "-".to_string(),
            Base::Bytes(b) => blob_id(b)?.to_string(),
        };
        out.push_str(&format!("{new} {base} {}\n", in_repo(prefix, &c.path)));
    }
    Ok(out)
}

fn blob_id(bytes: &[u8]) -> Result<Oid> {
    Oid::hash_object(ObjectType::Blob, bytes).map_err(git_error("cannot hash a file"))
}

/// Brings the working tree and the index in line with the branch for the files of a killed
/// writer's journal, then removes it. A file is only written where it still holds what the
/// killed writer saw (or is missing): a person's edit since then is left alone.
fn finish_pending(repo: &Repository) -> Result<()> {
    let journal = repo.path().join(PENDING);
    let text = match fs::read_to_string(&journal) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(read_error(&journal, e)),
    };
    let Some(workdir) = repo.workdir() else { return Ok(()) };
    let head = head_tree(repo)?;
    let mut index = repo.index().map_err(git_error("cannot open git's index"))?;
    index.read(true).map_err(git_error("cannot read git's index"))?;
    let mut staged = false;
    for line in text.lines() {
        let mut parts = line.splitn(3, ' ');
        let (Some(new), Some(base), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(new), base) = (Oid::from_str(new), Oid::from_str(base).ok()) else { continue };
        if path_problem(path).is_some() {
            continue;
        }
        if let Some(dir) = on_disk(workdir, path).parent() {
            sweep_temp_files(dir);
        }
        // Only a file the branch still holds as the killed writer committed it is ours to finish.
        let Entry::Blob(id, bytes) = entry_at(repo, head.as_ref(), path)? else { continue };
        if id != new {
            continue;
        }
        let current = read_worktree(workdir, path)?;
        let disk = current.as_deref().map(blob_id).transpose()?;
        if disk != Some(new) {
            if disk != base {
                continue;
            }
            write_atomic(workdir, path, &bytes)?;
        }
        if index.get_path(Path::new(path), 0).map(|e| e.id) != Some(new) {
            index.add_path(Path::new(path)).map_err(git_error(format!("cannot stage {path}")))?;
            staged = true;
        }
    }
    if staged {
        write_index(&mut index, repo.path())?;
    }
    clear_pending(repo)
}

fn clear_pending(repo: &Repository) -> Result<()> {
    let journal = repo.path().join(PENDING);
    match fs::remove_file(&journal) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(write_error(&journal, e)),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Who commits

/// The author and committer of a commit.
struct Who {
    author: Signature<'static>,
    committer: Signature<'static>,
}

/// A name, email and time, before libgit2 checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ident {
    name: String,
    email: String,
    seconds: i64,
    offset_minutes: i32,
}

fn signatures(repo: &Repository) -> Result<Who> {
    let config = repo.config().ok();
    let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let from_env = |key: &str| std::env::var(key).ok();
    let now = chrono::Local::now();
    let now = (now.timestamp(), now.offset().local_minus_utc() / 60);
    let (author, committer) = identities(&from_env, &from_config, now)?;
    Ok(Who { author: signature(&author)?, committer: signature(&committer)? })
}

/// The author and committer as git would pick them: GIT_AUTHOR_* (then `user.*`), and
/// GIT_COMMITTER_* falling back to the author's values. Lookups are closures so the rules can be
/// tested without touching the process environment.
fn identities(
    env: &dyn Fn(&str) -> Option<String>,
    config: &dyn Fn(&str) -> Option<String>,
    now: (i64, i32),
) -> Result<(Ident, Ident)> {
    let env = |key: &str| env(key).filter(|v| !v.trim().is_empty());
    let config = |key: &str| config(key).filter(|v| !v.trim().is_empty());
    let name = env("GIT_AUTHOR_NAME").or_else(|| config("user.name"));
    let email = env("GIT_AUTHOR_EMAIL").or_else(|| config("user.email"));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(Error::usage("git does not know who you are").help(UNKNOWN_AUTHOR_HELP));
    };
    let (seconds, offset_minutes) = match env("GIT_AUTHOR_DATE") {
        Some(d) => date_from_env("GIT_AUTHOR_DATE", &d)?,
        None => now,
    };
    let author = Ident { name, email, seconds, offset_minutes };
    let (seconds, offset_minutes) = match env("GIT_COMMITTER_DATE") {
        Some(d) => date_from_env("GIT_COMMITTER_DATE", &d)?,
        None => (author.seconds, author.offset_minutes),
    };
    let committer = Ident {
        name: env("GIT_COMMITTER_NAME").unwrap_or_else(|| author.name.clone()),
        email: env("GIT_COMMITTER_EMAIL").unwrap_or_else(|| author.email.clone()),
        seconds,
        offset_minutes,
    };
    Ok((author, committer))
}

fn date_from_env(var: &str, value: &str) -> Result<(i64, i32)> {
    parse_git_date(value).ok_or_else(|| {
        Error::usage(format!("{var}={value:?} is not a date watchbill can read")).help(format!(
            "use `@1795424520 +0100`, `2026-11-23T10:02:00+01:00` or an RFC 2822 date, or unset {var}"
        ))
    })
}

/// Seconds since the epoch and the UTC offset in minutes, from the date forms git users set most:
/// `@<seconds> <+hhmm>`, `<seconds> <+hhmm>`, RFC 3339 / ISO 8601 and RFC 2822.
fn parse_git_date(value: &str) -> Option<(i64, i32)> {
    let value = value.trim();
    if let Some(raw) = parse_raw_date(value.strip_prefix('@').unwrap_or(value)) {
        return Some(raw);
    }
    let parsed = chrono::DateTime::parse_from_rfc3339(value)
        .or_else(|_| chrono::DateTime::parse_from_rfc2822(value))
        .or_else(|_| chrono::DateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S %z"))
        .or_else(|_| chrono::DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%z"))
        .ok()?;
    Some((parsed.timestamp(), parsed.offset().local_minus_utc() / 60))
}

fn parse_raw_date(value: &str) -> Option<(i64, i32)> {
    let mut parts = value.split_whitespace();
    let seconds = parts.next()?.parse::<i64>().ok()?;
    let offset = match parts.next() {
        Some(tz) => parse_offset(tz)?,
        None => 0,
    };
    parts.next().is_none().then_some((seconds, offset))
}

/// `+hhmm` or `-hhmm` as minutes east of UTC.
fn parse_offset(tz: &str) -> Option<i32> {
    let (sign, digits) = match tz.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    (minutes < 60).then_some(sign * (hours * 60 + minutes))
}

fn signature(who: &Ident) -> Result<Signature<'static>> {
    Signature::new(&who.name, &who.email, &git2::Time::new(who.seconds, who.offset_minutes)).map_err(|e| {
        Error::usage(format!("git cannot use the identity {} <{}>: {}", who.name, who.email, e.message()))
            .help("check `git config user.name` and `git config user.email` (or GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn git_dates_in_the_common_forms() {
        assert_eq!(parse_git_date("@1795424520 +0100"), Some((1795424520, 60)));
        assert_eq!(parse_git_date("1795424520 -0230"), Some((1795424520, -150)));
        assert_eq!(parse_git_date("@1795424520"), Some((1795424520, 0)));
        let rfc3339 = parse_git_date("2026-11-23T10:02:00+01:00");
        assert_eq!(rfc3339, Some((1795424520, 60)));
        assert_eq!(parse_git_date("Mon, 23 Nov 2026 10:02:00 +0100"), rfc3339);
        assert_eq!(parse_git_date("2026-11-23 10:02:00 +0100"), rfc3339);
        assert_eq!(parse_git_date("yesterday"), None);
        assert_eq!(parse_git_date("1795424520 +01"), None);
        assert_eq!(parse_git_date("1795424520 +0100 extra"), None);
    }

    #[test]
    fn env_wins_over_config_and_committer_falls_back_to_author() {
        let env = lookup(&[("GIT_AUTHOR_NAME", "Env Name"), ("GIT_AUTHOR_DATE", "@100 +0200")]);
        let config = lookup(&[("user.name", "Config Name"), ("user.email", "c@example.org")]);
        let (author, committer) = identities(&env, &config, (5, 0)).map_err(|e| e.message).unwrap();
        assert_eq!(
            author,
            Ident {
                name: "Env Name".into(),
                email: "c@example.org".into(),
                seconds: 100,
                offset_minutes: 120
            }
        );
        assert_eq!(committer, author);
    }

    #[test]
    fn committer_vars_override_and_time_defaults_to_now() {
        let env = lookup(&[
            ("GIT_AUTHOR_NAME", "A"),
            ("GIT_AUTHOR_EMAIL", "a@example.org"),
            ("GIT_COMMITTER_NAME", "C"),
            ("GIT_COMMITTER_DATE", "@200 +0000"),
        ]);
        let (author, committer) = identities(&env, &lookup(&[]), (5, 60)).map_err(|e| e.message).unwrap();
        assert_eq!((author.seconds, author.offset_minutes), (5, 60));
        assert_eq!(
            (committer.name.as_str(), committer.email.as_str(), committer.seconds),
            ("C", "a@example.org", 200)
        );
    }

    #[test]
    fn nobody_known_is_a_usage_error() {
        let env = lookup(&[("GIT_AUTHOR_NAME", "  "), ("GIT_AUTHOR_EMAIL", "")]);
        let err = identities(&env, &lookup(&[("user.name", "Only Name")]), (0, 0))
            .err()
            .map(|e| (e.exit, e.message, e.help));
        assert_eq!(
            err,
            Some((
                Exit::Usage,
                "git does not know who you are".to_string(),
                Some(UNKNOWN_AUTHOR_HELP.to_string())
            ))
        );
    }

    #[test]
    fn bad_date_names_the_variable() {
        let env =
            lookup(&[("GIT_AUTHOR_NAME", "A"), ("GIT_AUTHOR_EMAIL", "a@x"), ("GIT_AUTHOR_DATE", "soon")]);
        let err = identities(&env, &lookup(&[]), (0, 0)).err().map(|e| e.message).unwrap_or_default();
        assert!(err.contains("GIT_AUTHOR_DATE"), "{err}");
    }

    #[test]
    fn only_plain_relative_paths_pass() {
        for ok in ["rota/2026-W48.toml", "crew.toml", "logbook/2026-W48/x.md"] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "a//b",
            "a/./b",
            "../x",
            "a/..",
            "a\\b",
            "a\nb",
            "a\0b",
            ".git/config",
            "x/.GIT/y",
            "a/",
        ] {
            assert!(path_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn duplicate_paths_are_refused() {
        let change = Change { path: "crew.toml".into(), contents: vec![], base: Base::Absent };
        let set = ChangeSet { message: "m".into(), changes: vec![change.clone(), change] };
        assert_eq!(checked_paths(&set).err().map(|e| e.exit), Some(Exit::Refused));
    }

    #[test]
    fn hidden_and_backup_names_are_ignored() {
        assert!(is_ignored_name(".DS_Store"));
        assert!(is_ignored_name(".2026-W48.toml.swp"));
        assert!(is_ignored_name("2026-W48.toml~"));
        assert!(!is_ignored_name("2026-W48.toml"));
    }

    #[test]
    fn temporary_files_name_their_writer() {
        assert_eq!(temp_file_pid(".2026-W48.toml.watchbill-tmp-4242-7"), Some(4242));
        assert_eq!(temp_file_pid(".a.watchbill-tmp-b.watchbill-tmp-12-0"), Some(12));
        for other in
            ["2026-W48.toml", ".x.swp", ".a.watchbill-tmp-12", ".a.watchbill-tmp-x-1", "a.watchbill-tmp-1-1"]
        {
            assert_eq!(temp_file_pid(other), None, "{other}");
        }
    }

    #[test]
    fn jitter_stays_in_range_and_varies() {
        let mut j = Jitter::seeded();
        let draws: Vec<u64> = (0..100).map(|_| j.next() % 20).collect();
        assert!(draws.iter().any(|&d| d != draws[0]));
    }
}
