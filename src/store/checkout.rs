//! The working tree and the index after a commit on the checked-out branch.

use super::*;

/// The working tree and index a commit leaves, made ready before the branch moves so that once
/// it has moved only renames remain.
///
/// git's index takes our files as soon as they are ready, before the commit is made and the
/// branch moves ([`Prepared::stage`]), not after as in git's own `commit` (which moves the ref,
/// then renames `index.lock` over the index). A `git commit` reads HEAD, then the index, then
/// takes `index.lock` and, committing the index as it is, writes back the index it read and
/// lets go of the lock before it moves HEAD. So one that read HEAD after our move and the index
/// before our rename would commit a tree without our files, deleting them. Staged first, a
/// `git commit` that sees our commit as HEAD sees our files in the index. One that read the
/// index before we staged and locks it after we let go still writes it back: that is git's
/// own race between two commits, and needs a `git commit` stalled for the whole time from our
/// staging to our release (docs/reliability.md). Nothing landing puts the old index back
/// ([`Prepared::unstage`]); the blobs are stored before staging, so an index left staged by a
/// killed writer names only objects git has.
pub(super) struct Prepared<'a> {
    git_lock: &'a GitIndexLock,
    index: git2::Index,
    /// git's index as it was before ours was staged, put back if nothing lands.
    before: Option<Vec<u8>>,
    /// Each new file, written and synced beside its place, and the place.
    files: Vec<(PathBuf, PathBuf)>,
    /// Files a move leaves.
    leaving: Vec<PathBuf>,
}

/// Writes each file of `changes` beside its place and stages it in a new index (not yet git's),
/// from the bytes the commit holds, starting from `index` (git's, from
/// [`GitIndexLock::index`]). The caller holds the [`IndexLock`] and git's [`GitIndexLock`],
/// and has checked that the working tree holds each change's base.
pub(super) fn prepare_checkout<'a>(
    repo: &Repository,
    git_lock: &'a GitIndexLock,
    index: git2::Index,
    root: &Path,
    prefix: &str,
    changes: &[FileWrite],
) -> Result<Prepared<'a>> {
    let config = GitConfig::open(Some(repo))?;
    let mut prepared =
        Prepared { git_lock, index, before: git_lock.bytes()?, files: Vec::new(), leaving: Vec::new() };
    for c in changes {
        let repo_path = in_repo(prefix, &c.path);
        let place = on_disk(root, &c.path);
        let eol = checkout_eol(repo, &config, &repo_path)?;
        let temp = write_beside(&place, &smudged(&c.contents, eol))?;
        let stat = fs::metadata(&temp).map_err(|e| read_error(&temp, e));
        prepared.files.push((temp, place));
        let mode = prepared.index.get_path(Path::new(&repo_path), 0).map_or(0o100644, |e| e.mode);
        // Stored now, as the commit will store it: the index is staged before the commit is made.
        let id = repo.blob(&c.contents).map_err(git_error(format!("cannot store {}", c.path)))?;
        let entry = index_entry(&repo_path, id, mode, &stat?);
        prepared.index.add(&entry).map_err(git_error(format!("cannot stage {}", c.path)))?;
        if let Some(from) = c.base.moved_from() {
            let from_repo = in_repo(prefix, from);
            if prepared.index.get_path(Path::new(&from_repo), 0).is_some() {
                prepared
                    .index
                    .remove_path(Path::new(&from_repo))
                    .map_err(git_error(format!("cannot unstage {from}")))?;
            }
            prepared.leaving.push(on_disk(root, from));
        }
    }
    prepared.index.write().map_err(git_error("cannot write git's index"))?;
    Ok(prepared)
}

impl Prepared<'_> {
    /// Puts the index holding our files (written beside git's) in place as git's, before the
    /// commit is made.
    pub(super) fn stage(&self) -> Result<()> {
        self.git_lock.install()
    }

    /// Puts git's index back as it was, when no commit landed (or before updating the checkout
    /// file by file).
    pub(super) fn unstage(&self) -> Result<()> {
        self.git_lock.put(self.before.as_deref())
    }

    /// Puts the files in place, after the branch moved with the index staged. When HEAD no
    /// longer holds exactly our files (another writer, outside our locks, committed over them
    /// meanwhile), the index is put back and the checkout is updated file by file instead, for
    /// those HEAD still holds.
    pub(super) fn finish(
        mut self,
        repo: &Repository,
        root: &Path,
        prefix: &str,
        changes: &[FileWrite],
    ) -> Result<()> {
        let head = head_tree(repo)?;
        let mut ours = true;
        for c in changes {
            let left = match c.base.moved_from() {
                Some(from) => lacks(repo, head.as_ref(), &in_repo(prefix, from))?,
                None => true,
            };
            ours &= holds(repo, head.as_ref(), prefix, c)? && left;
        }
        if !ours {
            self.discard();
            self.unstage()?;
            return update_checkout(repo, self.git_lock, root, prefix, changes);
        }
        for (temp, place) in std::mem::take(&mut self.files) {
            fs::rename(&temp, &place).map_err(|e| write_error(&place, e))?;
        }
        for from in &self.leaving {
            match fs::remove_file(from) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(write_error(from, e)),
                _ => {}
            }
        }
        // Durable after the fact (the files were synced before): the renames, then the folders.
        let dirs: std::collections::BTreeSet<PathBuf> =
            changes.iter().filter_map(|c| on_disk(root, &c.path).parent().map(Path::to_path_buf)).collect();
        dirs.iter().for_each(|d| sync_dir(d));
        self.restat(root, prefix, changes)
    }

    /// A rename may change a file's ctime: git would then take it for modified until it reads it
    /// again, and `git checkout` or `git sparse-checkout` (which do not read it) refuse to
    /// replace it. So the entries get the files' stat data as renamed, still under the lock.
    fn restat(&mut self, root: &Path, prefix: &str, changes: &[FileWrite]) -> Result<()> {
        let mut stale = false;
        for c in changes {
            let repo_path = in_repo(prefix, &c.path);
            let place = on_disk(root, &c.path);
            let stat = fs::metadata(&place).map_err(|e| read_error(&place, e))?;
            let Some(old) = self.index.get_path(Path::new(&repo_path), 0) else { continue };
            let new = index_entry(&repo_path, old.id, old.mode, &stat);
            if !same_stat(&old, &new) {
                self.index.add(&new).map_err(git_error(format!("cannot stage {}", c.path)))?;
                stale = true;
            }
        }
        if stale {
            self.git_lock.write(&mut self.index)?;
        }
        Ok(())
    }

    fn discard(&mut self) {
        for (temp, _) in self.files.drain(..) {
            let _ = fs::remove_file(temp);
        }
    }
}

impl Drop for Prepared<'_> {
    /// A commit that did not land leaves no temporary file behind.
    fn drop(&mut self) {
        self.discard();
    }
}

fn same_stat(a: &git2::IndexEntry, b: &git2::IndexEntry) -> bool {
    let time = |t: &git2::IndexTime| (t.seconds(), t.nanoseconds());
    (time(&a.ctime), time(&a.mtime), a.dev, a.ino, a.file_size)
        == (time(&b.ctime), time(&b.mtime), b.dev, b.ino, b.file_size)
}

/// git's index entry for a file written at `stat` holding blob `id`: the stat data lets `git
/// status` trust the entry without reading the file.
fn index_entry(repo_path: &str, id: Oid, mode: u32, stat: &fs::Metadata) -> git2::IndexEntry {
    let time = |t: io::Result<std::time::SystemTime>| {
        let d = t.ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        git2::IndexTime::new(d.as_secs() as i32, d.subsec_nanos())
    };
    #[cfg(unix)]
    let (dev, ino, uid, gid, ctime) = {
        use std::os::unix::fs::MetadataExt;
        let ctime = git2::IndexTime::new(stat.ctime() as i32, stat.ctime_nsec() as u32);
        (stat.dev() as u32, stat.ino() as u32, stat.uid(), stat.gid(), ctime)
    };
    #[cfg(not(unix))]
    let (dev, ino, uid, gid, ctime) = (0, 0, 0, 0, time(stat.created()));
    git2::IndexEntry {
        ctime,
        mtime: time(stat.modified()),
        dev,
        ino,
        mode,
        uid,
        gid,
        file_size: stat.len() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: repo_path.as_bytes().to_vec(),
    }
}

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
        if holds(repo, head.as_ref(), prefix, c)? {
            current.push(c);
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
        if lacks(repo, head.as_ref(), &repo_path)? {
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

/// Whether `head` holds the file `c` writes, byte for byte: no other writer replaced it since.
fn holds(repo: &Repository, head: Option<&Tree<'_>>, prefix: &str, c: &FileWrite) -> Result<bool> {
    Ok(matches!(entry_at(repo, head, &in_repo(prefix, &c.path))?, Entry::Blob(_, b) if b == c.contents))
}

/// Whether `head` has nothing at `repo_path`: a moved file's old place no later commit filled.
fn lacks(repo: &Repository, head: Option<&Tree<'_>>, repo_path: &str) -> Result<bool> {
    Ok(matches!(entry_at(repo, head, repo_path)?, Entry::Missing))
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
