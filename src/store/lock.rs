//! Locks: the kernel lock watchbill writers queue on, and git's own `index.lock`.

use super::*;

pub(super) const INDEX_LOCK: &str = "watchbill-index.lock";
// Writers queue on the lock; many at once (a team's scripts, CI) may wait a while.
pub(super) const LOCK_WAIT: Duration = Duration::from_secs(60);

/// Our own lock around read-modify-write of the index: libgit2 locks the index only while
/// writing it, so two writers could each read it, add their path and drop the other's.
///
/// It is an OS file lock (`flock`), not the existence of a file: the kernel lets go of it when
/// its holder dies, so a writer killed mid-write never leaves a lock that the next one must
/// wait out or a person must delete. The file is removed on release; the holder's pid is in it
/// for a person who wonders who holds it.
pub(super) struct IndexLock {
    path: PathBuf,
    /// Held open: closing it releases the lock.
    _file: fs::File,
}

impl IndexLock {
    pub(super) fn acquire(git_dir: &Path) -> Result<IndexLock> {
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
pub(super) fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed under its holder, so the path always names it.
#[cfg(not(unix))]
pub(super) fn same_file(_file: &fs::File, path: &Path) -> bool {
    path.exists()
}

/// git's own lock on its index, taken as git takes it: `.git/index.lock` created exclusively.
///
/// Held from before the index takes our files until the working tree holds them, so a `git
/// commit`, `git add` or an IDE in the same checkout cannot build a commit from an index that
/// lacks our files (it fails with "index.lock: File exists", or waits, as it would for another
/// git). The file is git's, not the kernel's: a killed holder leaves it, and only a person can
/// tell a running git command from a dead one, so after a short wait they are asked to delete
/// it.
pub(super) struct GitIndexLock {
    git_dir: PathBuf,
    lock: PathBuf,
    _file: fs::File,
}

/// The scratch index libgit2 writes to while we hold `index.lock` (libgit2 would otherwise try
/// to take `index.lock` itself); it is renamed over `.git/index` under the lock.
const SCRATCH_INDEX: &str = "watchbill-index.new";

/// The temporary file [`GitIndexLock::put`] renames over `.git/index`.
const PUT_INDEX: &str = "watchbill-index.put";

impl GitIndexLock {
    /// Takes `.git/index.lock`, waiting up to 1 s while a git command holds it.
    pub(super) fn acquire(git_dir: &Path) -> Result<GitIndexLock> {
        let lock = git_dir.join("index.lock");
        for _ in 0..50 {
            match fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
                Ok(file) => return Ok(GitIndexLock { git_dir: git_dir.to_path_buf(), lock, _file: file }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => return Err(write_error(&lock, e)),
            }
        }
        Err(index_locked(&lock))
    }

    /// git's index as it is on disk now, bound to `repo` so paths can be staged from the
    /// working tree.
    pub(super) fn index(&self, repo: &Repository) -> Result<git2::Index> {
        let scratch = self.git_dir.join(SCRATCH_INDEX);
        // A writer killed while libgit2 wrote the scratch leaves it and its `.lock`: under
        // git's index.lock both are ours to remove.
        let _ = fs::remove_file(&scratch);
        let _ = fs::remove_file(self.git_dir.join(format!("{SCRATCH_INDEX}.lock")));
        match fs::copy(self.git_dir.join("index"), &scratch) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(write_error(&scratch, e)),
        }
        let mut index = git2::Index::open(&scratch).map_err(git_error("cannot read git's index"))?;
        repo.set_index(&mut index).map_err(git_error("cannot read git's index"))?;
        Ok(index)
    }

    /// Writes `index` (from [`GitIndexLock::index`]) as git's index, still under the lock.
    pub(super) fn write(&self, index: &mut git2::Index) -> Result<()> {
        index.write().map_err(git_error("cannot write git's index"))?;
        self.install()
    }

    /// git's index file as it is now (`None` when there is none yet), read under the lock.
    pub(super) fn bytes(&self) -> Result<Option<Vec<u8>>> {
        let index = self.git_dir.join("index");
        match fs::read(&index) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(read_error(&index, e)),
        }
    }

    /// Puts `bytes` in place as git's index (`None`: no index), still under the lock: a
    /// temporary file renamed over it, so a reader sees the old index or the new one whole.
    pub(super) fn put(&self, bytes: Option<&[u8]>) -> Result<()> {
        let target = self.git_dir.join("index");
        let Some(bytes) = bytes else {
            return match fs::remove_file(&target) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(write_error(&target, e)),
                _ => Ok(()),
            };
        };
        let temp = self.git_dir.join(PUT_INDEX);
        fs::write(&temp, bytes).map_err(|e| write_error(&temp, e))?;
        fs::rename(&temp, &target).map_err(|e| write_error(&target, e))?;
        sync_dir(&self.git_dir);
        Ok(())
    }

    /// Renames the index written from [`GitIndexLock::index`] over git's, still under the lock.
    pub(super) fn install(&self) -> Result<()> {
        let scratch = self.git_dir.join(SCRATCH_INDEX);
        let target = self.git_dir.join("index");
        fs::rename(&scratch, &target).map_err(|e| write_error(&target, e))?;
        sync_dir(&self.git_dir);
        Ok(())
    }
}

impl Drop for GitIndexLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(self.git_dir.join(SCRATCH_INDEX));
        let _ = fs::remove_file(self.git_dir.join(PUT_INDEX));
        let _ = fs::remove_file(&self.lock);
    }
}

pub(super) fn index_locked(lock: &Path) -> Error {
    // A killed writer may have left git's other locks too (the branch's, during its move):
    // name them all, so one deletion is not followed by another stop.
    let mut locks = vec![lock.to_path_buf()];
    if let Some(git_dir) = lock.parent() {
        locks.extend(other_git_locks(git_dir).into_iter().filter(|l| l != lock));
    }
    let names: Vec<String> = locks.iter().map(|l| l.display().to_string()).collect();
    Error::conflict(format!("git's index is locked ({})", lock.display())).help(format!(
        "a git command is running, or one was killed: if none is running, delete {}",
        names.join(" and ")
    ))
}

/// git's lock files on HEAD, `packed-refs` and the branches, where they exist.
fn other_git_locks(git_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> =
        ["HEAD.lock", "packed-refs.lock"].iter().map(|n| git_dir.join(n)).filter(|p| p.exists()).collect();
    let mut dirs = vec![git_dir.join("refs/heads")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => dirs.push(path),
                Ok(_) if path.extension().is_some_and(|e| e == "lock") => found.push(path),
                _ => {}
            }
        }
    }
    found
}
