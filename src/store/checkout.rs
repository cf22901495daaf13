//! The working tree and the index after a commit on the checked-out branch.

use super::*;

/// Writes the committed files into the working tree and stages exactly those paths, so
/// `git status` shows nothing for them and leaves the user's other work as it was.
/// The caller holds the [`IndexLock`] and git's [`GitIndexLock`].
pub(super) fn update_checkout(
    repo: &Repository,
    git_lock: &GitIndexLock,
    root: &Path,
    prefix: &str,
    changes: &[FileWrite],
) -> Result<()> {
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
    let config = GitConfig::open(Some(repo))?;
    for c in &current {
        let eol = checkout_eol(repo, &config, &in_repo(prefix, &c.path))?;
        write_atomic(root, &c.path, &smudged(&c.contents, eol))?;
    }
    let mut index = git_lock.index(repo)?;
    for c in &current {
        index
            .add_path(Path::new(&in_repo(prefix, &c.path)))
            .map_err(git_error(format!("cannot stage {}", c.path)))?;
    }
    // A moved file leaves its old place, unless a later commit put a file there again.
    for from in current.iter().filter_map(|c| c.base.moved_from()) {
        let repo_path = in_repo(prefix, from);
        if matches!(entry_at(repo, head.as_ref(), &repo_path)?, Entry::Missing) {
            remove_file(root, from)?;
            if index.get_path(Path::new(&repo_path), 0).is_some() {
                index
                    .remove_path(Path::new(&repo_path))
                    .map_err(git_error(format!("cannot unstage {from}")))?;
            }
        }
    }
    git_lock.write(&mut index)
}

/// Writes the index, waiting a little while git's own `index.lock` is held.
pub(super) fn write_index(index: &mut git2::Index, git_dir: &Path) -> Result<()> {
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
