//! Finishing the checkout of a writer that was killed.

use super::*;

/// The journal of a write to the checked-out branch: written before the branch moves, removed
/// once the working tree and the index hold the new files. A writer killed in between leaves it
/// behind, and the next writer (under the same lock) finishes the checkout, so nobody has to
/// bring the files in line by hand and `git status` never shows a record as deleted.
pub(super) const PENDING: &str = "watchbill-pending";

/// One line per file: the blob the commit gives it (zeros for a file it removes), the blob it
/// replaces (`-` for a new file), and its path in the repository (paths never hold a newline:
/// see [`path_problem`]). A move is two lines: the new file, and the old one removed.
pub(super) fn pending_journal(prefix: &str, changes: &[FileWrite]) -> Result<String> {
    let mut out = String::new();
    for c in changes {
        let new = blob_id(&c.contents)?;
        let base = match &c.base {
            Base::Bytes(b) => blob_id(b)?.to_string(),
            Base::Absent | Base::Moved { .. } => "-".to_string(),
        };
        out.push_str(&format!("{new} {base} {}\n", in_repo(prefix, &c.path)));
        if let Base::Moved { from, bytes } = &c.base {
            out.push_str(&format!("{} {} {}\n", Oid::ZERO_SHA1, blob_id(bytes)?, in_repo(prefix, from)));
        }
    }
    Ok(out)
}

pub(super) fn blob_id(bytes: &[u8]) -> Result<Oid> {
    Oid::hash_object(ObjectType::Blob, bytes).map_err(git_error("cannot hash a file"))
}

/// Brings the working tree and the index in line with the branch for the files of a killed
/// writer's journal, then removes it. A file is only written where it still holds what the
/// killed writer saw (or is missing): a person's edit since then is left alone.
pub(super) fn finish_pending(repo: &Repository, git_lock: &GitIndexLock) -> Result<()> {
    let journal = repo.path().join(PENDING);
    let text = match fs::read_to_string(&journal) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(read_error(&journal, e)),
    };
    let Some(workdir) = repo.workdir() else { return Ok(()) };
    let head = head_tree(repo)?;
    let config = GitConfig::open(Some(repo))?;
    let mut index = git_lock.index(repo)?;
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
        if new.is_zero() {
            staged |= finish_removal(repo, &mut index, head.as_ref(), workdir, path, base)?;
            continue;
        }
        // Only a file the branch still holds as the killed writer committed it is ours to finish.
        let Entry::Blob(id, bytes) = entry_at(repo, head.as_ref(), path)? else {
            staged |= unstage_unlanded(&mut index, head.as_ref(), path, new)?;
            continue;
        };
        if id != new {
            staged |= unstage_unlanded(&mut index, head.as_ref(), path, new)?;
            continue;
        }
        let current = read_worktree(workdir, path)?;
        let disk = current.map(|d| cleaned(repo, path, &d)).transpose()?;
        let disk = disk.as_deref().map(blob_id).transpose()?;
        if disk != Some(new) {
            if disk != base {
                continue;
            }
            write_atomic(workdir, path, &smudged(&bytes, checkout_eol(repo, &config, path)?))?;
        }
        if index.get_path(Path::new(path), 0).map(|e| e.id) != Some(new) {
            index.add_path(Path::new(path)).map_err(git_error(format!("cannot stage {path}")))?;
            staged = true;
        }
    }
    if staged {
        git_lock.write(&mut index)?;
    }
    clear_pending(repo)
}

/// Removes a file the killed writer's commit removed (a move's old place), if the branch no
/// longer holds it and the working tree still holds what the writer saw; whether the index
/// changed.
fn finish_removal(
    repo: &Repository,
    index: &mut git2::Index,
    head: Option<&Tree<'_>>,
    workdir: &Path,
    path: &str,
    base: Option<Oid>,
) -> Result<bool> {
    match entry_at(repo, head, path)? {
        Entry::Missing => {}
        // The commit did not land (the writer was killed after git's index took its change,
        // before the branch moved): the index gets back what the branch holds.
        Entry::Blob(id, _) if Some(id) == base && index.get_path(Path::new(path), 0).is_none() => {
            return restore_from_head(index, head, path);
        }
        _ => return Ok(false),
    }
    let disk = read_worktree(workdir, path)?.map(|d| cleaned(repo, path, &d)).transpose()?;
    match disk.as_deref().map(blob_id).transpose()? {
        None => {}
        Some(id) if Some(id) == base => remove_file(workdir, path)?,
        // A person's edit since: theirs to keep, and the index then says what changed.
        Some(_) => return Ok(false),
    }
    let staged = index.get_path(Path::new(path), 0).is_some();
    if staged {
        index.remove_path(Path::new(path)).map_err(git_error(format!("cannot unstage {path}")))?;
    }
    Ok(staged)
}

/// A file a killed writer staged for a commit that did not land (killed after git's index took
/// it, before the branch moved; see `Prepared`): its index entry, still the writer's blob `new`,
/// gets back what the branch holds, or goes if the branch has no such file. An entry staged
/// since by someone else is theirs and left alone. Whether the index changed.
fn unstage_unlanded(index: &mut git2::Index, head: Option<&Tree<'_>>, path: &str, new: Oid) -> Result<bool> {
    if index.get_path(Path::new(path), 0).map(|e| e.id) != Some(new) {
        return Ok(false);
    }
    restore_from_head(index, head, path)
}

/// Sets the index entry at `path` to what `head` holds there (no stat data: git reads the file
/// again), or removes it when `head` has no file there. Always changes the index.
fn restore_from_head(index: &mut git2::Index, head: Option<&Tree<'_>>, path: &str) -> Result<bool> {
    let held =
        head.and_then(|t| t.get_path(Path::new(path)).ok()).filter(|e| e.kind() == Some(ObjectType::Blob));
    match held {
        Some(entry) => {
            let time = git2::IndexTime::new(0, 0);
            index
                .add(&git2::IndexEntry {
                    ctime: time,
                    mtime: time,
                    dev: 0,
                    ino: 0,
                    mode: entry.filemode() as u32,
                    uid: 0,
                    gid: 0,
                    file_size: 0,
                    id: entry.id(),
                    flags: 0,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                })
                .map_err(git_error(format!("cannot stage {path}")))?;
        }
        None => index.remove_path(Path::new(path)).map_err(git_error(format!("cannot unstage {path}")))?,
    }
    Ok(true)
}

pub(super) fn clear_pending(repo: &Repository) -> Result<()> {
    let journal = repo.path().join(PENDING);
    match fs::remove_file(&journal) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(write_error(&journal, e)),
        _ => Ok(()),
    }
}
