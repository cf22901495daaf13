//! Sparse checkouts, skip-worktree entries and partial clones: what the working tree does not
//! hold is read from git's index (the version HEAD checked out), so `status` and `handover` in
//! a sparse clone without `logbook/` still see the week's incidents. A blob a partial clone has
//! not fetched is named, with the command that fetches it.

use super::*;

/// git's skip-worktree flag, in an index entry's extended flags.
const SKIP_WORKTREE: u16 = 1 << 14;

/// The repository and the files of a sparse checkout not on disk, with their blobs.
pub(super) type Skipped = (Repository, Vec<(String, Oid)>);

/// The files under `root` that `wanted` accepts, are marked skip-worktree in git's index and
/// are not on disk, as (path relative to the root, blob id). Empty unless the repository uses
/// a sparse checkout (`core.sparseCheckout`), so an ordinary read never opens the index.
pub(super) fn skipped_files(root: &Path, wanted: &dyn Fn(&str) -> bool) -> Result<Option<Skipped>> {
    let Ok(repo) = open_raw(root) else { return Ok(None) };
    let sparse = GitConfig::open(Some(&repo))?.get_bool("core.sparseCheckout")?.unwrap_or(false);
    if !sparse || repo.is_bare() {
        return Ok(None);
    }
    let prefix = prefix_in(&repo, root)?;
    let index = repo.index().map_err(git_error("cannot read git's index"))?;
    let mut files = Vec::new();
    for entry in index.iter() {
        if entry.flags_extended & SKIP_WORKTREE == 0 {
            continue;
        }
        let Ok(path) = String::from_utf8(entry.path.clone()) else { continue };
        let rel = if prefix.is_empty() {
            path.as_str()
        } else {
            match path.strip_prefix(&format!("{prefix}/")) {
                Some(rel) => rel,
                None => continue,
            }
        };
        let top = rel.split('/').next().unwrap_or_default();
        let wanted_all = KNOWN_TOP.contains(&top)
            && rel.char_indices().filter(|(_, c)| *c == '/').all(|(i, _)| wanted(&rel[..i]))
            && wanted(rel);
        if wanted_all && !on_disk(root, rel).exists() {
            files.push((rel.to_string(), entry.id));
        }
    }
    let odb = repo.odb().map_err(git_error("cannot open git's objects"))?;
    if let Some((path, _)) = files.iter().find(|(_, id)| !odb.exists(*id)) {
        return Err(Error::usage(format!(
            "{path} is outside the sparse checkout, and its blob is not in this partial clone"
        ))
        .help(format!(
            "fetch it: git sparse-checkout add {}",
            path.rsplit_once('/').map_or(path.as_str(), |p| p.0)
        )));
    }
    drop(odb);
    Ok(Some((repo, files)))
}
