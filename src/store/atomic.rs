//! Atomic files: written to a temporary file, synced, renamed over the target.

use super::*;

pub(super) static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes a file so readers see the old or the new bytes, never a torn file: a temporary file in
/// the same folder, synced, then renamed over the target.
pub(super) fn write_atomic(root: &Path, rel: &str, contents: &[u8]) -> Result<()> {
    let target = on_disk(root, rel);
    let tmp = write_beside(&target, contents)?;
    if let Err(e) = fs::rename(&tmp, &target) {
        let _ = fs::remove_file(&tmp);
        return Err(write_error(&target, e));
    }
    if let Some(dir) = target.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Writes `contents` to a new temporary file beside `target` (creating its folder), synced, and
/// returns its path: renamed over `target`, it replaces it whole.
pub(super) fn write_beside(target: &Path, contents: &[u8]) -> Result<PathBuf> {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(Error::refused(format!("cannot write {}: it has no folder", target.display()))
            .help("this is a bug in watchbill; please report it"));
    };
    fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    sweep_temp_files(dir);
    let seq = TEMP_SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{}{TEMP_MARK}{}-{seq}", name.to_string_lossy(), std::process::id()));
    if let Err(e) = write_synced(&tmp, contents) {
        let _ = fs::remove_file(&tmp);
        return Err(write_error(target, e));
    }
    Ok(tmp)
}

/// Marks the temporary files of [`write_atomic`]: `.<name>.watchbill-tmp-<pid>-<n>`.
pub(super) const TEMP_MARK: &str = ".watchbill-tmp-";

/// Removes the temporary files a killed writer left in `dir`. Watchbill never reads them (they
/// are hidden), but `git status` would list them, and `git add -A` would commit them.
pub(super) fn sweep_temp_files(dir: &Path) {
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
pub(super) fn temp_file_pid(name: &str) -> Option<u32> {
    let (_, rest) = name.strip_prefix('.')?.rsplit_once(TEMP_MARK)?;
    let (pid, seq) = rest.split_once('-')?;
    seq.parse::<u64>().ok()?;
    pid.parse().ok()
}

#[cfg(target_os = "linux")]
pub(super) fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without /proc there is no cheap portable check: assume the writer lives, and leave its file.
#[cfg(not(target_os = "linux"))]
pub(super) fn process_alive(_pid: u32) -> bool {
    true
}

pub(super) fn write_synced(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes the rename itself durable. Best effort: not every OS or filesystem can sync a folder,
/// and the file is already safely written either way.
pub(super) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

pub(super) fn write_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("cannot write {}: {e}", path.display()))
        .help("check that the folder is writable and the disk is not full")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
