//! Reading a revision: blobs of a commit's tree, and what changed between two commits.

use super::*;

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

pub(super) fn revision_tree<'r>(repo: &'r Repository, rev: &str) -> Result<Tree<'r>> {
    let object = repo.revparse_single(rev).map_err(|e| unknown_revision(rev, &e))?;
    let commit = object.peel_to_commit().map_err(|e| {
        Error::usage(format!("{rev} does not name a commit: {}", e.message()))
            .help("pass a branch, a tag or a commit id (see `git log`)")
    })?;
    commit.tree().map_err(|e| missing_object(&format!("the tree of {rev}"), &e))
}

pub(super) fn unknown_revision(rev: &str, e: &git2::Error) -> Error {
    match e.code() {
        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::UnbornBranch => {
            Error::usage(format!("unknown revision {rev}")).help(HISTORY_HELP)
        }
        ErrorCode::Ambiguous => Error::usage(format!("revision {rev} is ambiguous"))
            .help("use a longer commit id or the full ref name (refs/heads/…, refs/tags/…)"),
        _ => Error::usage(format!("cannot read revision {rev}: {}", e.message())).help(HISTORY_HELP),
    }
}

pub(super) fn missing_object(what: &str, e: &git2::Error) -> Error {
    Error::usage(format!("cannot read {what} from git: {}", e.message()))
        .help(format!("the object may be missing from a shallow clone; {HISTORY_HELP}"))
}

/// The tree of the watchbill root inside a revision's tree.
pub(super) fn root_tree<'r>(
    repo: &'r Repository,
    tree: &Tree<'r>,
    prefix: &str,
    rev: &str,
) -> Result<Tree<'r>> {
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

pub(super) const MODE_TREE: i32 = 0o040000;
pub(super) const MODE_BLOB: i32 = 0o100644;
pub(super) const MODE_BLOB_GROUP_WRITABLE: i32 = 0o100664;
pub(super) const MODE_EXECUTABLE: i32 = 0o100755;

/// The blobs under a tree entry that `keep` accepts (asked of trees too, to skip whole weeks).
pub(super) fn list_blobs(
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
pub(super) fn read_blobs(repo: &Repository, root: &Path, blobs: Vec<(String, Oid)>) -> Result<Vec<RawFile>> {
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

/// Whether the repository around `root` has the local branch `name`.
pub fn branch_exists(root: &Path, name: &str) -> Result<bool> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let found = match repo.find_branch(name, git2::BranchType::Local) {
        Ok(_) => Ok(true),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(false),
        Err(e) => Err(git_error(format!("cannot read the branch {name}"))(e)),
    };
    found
}
