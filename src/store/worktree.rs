//! Reading the working tree: the known top-level names only, never following a link.

use super::*;

pub(super) fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The links [`read_templates`] passes over: the `templates` folder itself, or files in it.
pub(super) fn template_links(root: &Path) -> Vec<String> {
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
pub(super) enum Skip {
    Symlink,
    NotAFile,
}

/// What a walk of the known names found: regular files, by their `/`-separated name relative
/// to the root and their real path, and what it left out.
#[derive(Default)]
pub(super) struct Listing {
    pub(super) files: Vec<(String, PathBuf)>,
    pub(super) skipped: Vec<(String, Skip)>,
    /// The folders the walk took whole: every name in them (and in their folders) was kept, so
    /// a later walk of the same tree finds nothing in them this one did not.
    pub(super) whole: Vec<String>,
}

/// Editor droppings and hidden files are never records; skipping them keeps `check` quiet about
/// `.DS_Store`, `.x.swp` or `x.toml~`.
pub(super) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// What a walk asks of each name (folders too): whether to take it. Shared by the threads
/// that list folders.
pub(super) type Keep<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// Below this many folders a walk lists them on the calling thread.
const FOLDERS_PER_THREAD: usize = 8;

/// The files under the names `keep` accepts, and what the walk left out; `keep` is asked of
/// folders too, so a folder it refuses is never listed. The folders inside the top-level ones
/// (the logbook's weeks, the check-ins' objectives) are listed on every core: at ten years
/// `check` lists 522 weeks and `objective status` 300 folders of check-ins, and each listing
/// is a few calls into the kernel.
pub(super) fn list_worktree(root: &Path, keep: &Keep) -> Result<Listing> {
    let mut out = Listing::default();
    // Each top-level folder's name and whether every name in it has been kept so far.
    let mut tops: Vec<(String, bool)> = Vec::new();
    let mut folders = Vec::new();
    for top in KNOWN_TOP.iter().filter(|t| keep(t)) {
        let path = root.join(top);
        let kind = match fs::symlink_metadata(&path) {
            Ok(meta) => meta.file_type(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(read_error(&path, e)),
        };
        if !kind.is_dir() {
            visit(top.to_string(), path, kind, keep, &mut out)?;
            continue;
        }
        let (children, all_kept) = kept_entries(top, &path, keep)?;
        for (child, full, kind) in children {
            if kind.is_dir() {
                folders.push((tops.len(), child, full, kind));
            } else {
                visit(child, full, kind, keep, &mut out)?;
            }
        }
        tops.push((top.to_string(), all_kept));
    }
    let listed = crate::parallel::each(
        folders,
        FOLDERS_PER_THREAD,
        |_| 1,
        |(top, rel, full, kind)| {
            let mut listing = Listing::default();
            visit(rel, full, kind, keep, &mut listing).map(|whole| (top, whole, listing))
        },
    );
    for result in listed {
        let (top, whole, listing) = result?;
        tops[top].1 &= whole;
        out.files.extend(listing.files);
        out.skipped.extend(listing.skipped);
        out.whole.extend(listing.whole);
    }
    out.whole.extend(tops.into_iter().filter(|(_, whole)| *whole).map(|(top, _)| top));
    Ok(out)
}

/// Sorts one entry `keep` accepts into the listing; `kind` comes from the directory entry, which (unlike
/// `metadata`) does not follow links and usually costs no extra system call. `rel` is the name
/// shown and checked (a name that is not UTF-8 shows with U+FFFD, and `check` rejects it as an
/// id); `full` is the real path, so such a file is still read and reported, never a read error.
/// Whether the entry was taken whole: a file or a link is; a folder is when every name in it was.
pub(super) fn visit(
    rel: String,
    full: PathBuf,
    kind: fs::FileType,
    keep: &Keep,
    out: &mut Listing,
) -> Result<bool> {
    if kind.is_symlink() {
        out.skipped.push((rel, Skip::Symlink));
    } else if kind.is_file() {
        out.files.push((rel, full));
    } else if kind.is_dir() {
        let (children, mut whole) = kept_entries(&rel, &full, keep)?;
        for (child, full, kind) in children {
            whole &= visit(child, full, kind, keep, out)?;
        }
        if whole {
            out.whole.push(rel);
        }
        return Ok(whole);
    } else {
        // A FIFO, a socket or a device is not a record, and reading it could block.
        out.skipped.push((rel, Skip::NotAFile));
    }
    Ok(true)
}

/// A name in a folder, as a walk finds it: shown, real path, and kind from the directory entry.
type Found = (String, PathBuf, fs::FileType);

/// The entries of the folder `rel` that `keep` accepts, and whether it accepted every one
/// (hidden and backup names are passed over, not refused).
fn kept_entries(rel: &str, full: &Path, keep: &Keep) -> Result<(Vec<Found>, bool)> {
    let mut kept = Vec::new();
    let mut all = true;
    for entry in fs::read_dir(full).map_err(|e| read_error(full, e))? {
        let entry = entry.map_err(|e| read_error(full, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored_name(&name) {
            continue;
        }
        // Asked before the entry's path is built: most names of a folder are refused (the
        // other years of `rota/`, of `logbook/`).
        let child = format!("{rel}/{name}");
        if !keep(&child) {
            all = false;
            continue;
        }
        let kind = entry.file_type().map_err(|e| read_error(&entry.path(), e))?;
        kept.push((child, entry.path(), kind));
    }
    Ok((kept, all))
}

/// The on-disk path of a `/`-separated path relative to the root, built component by component
/// so it is right on every OS.
pub(super) fn on_disk(root: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c))
}

pub(super) fn read_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("cannot read {}: {e}", path.display()))
        .help("check that it exists and that you may read it (permissions)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_backup_names_are_ignored() {
        assert!(is_ignored_name(".DS_Store"));
        assert!(is_ignored_name(".2026-W48.toml.swp"));
        assert!(is_ignored_name("2026-W48.toml~"));
        assert!(!is_ignored_name("2026-W48.toml"));
    }
}
