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

/// The files under the names `keep` accepts, and what the walk left out; `keep` is asked of
/// folders too, so a folder it refuses is never listed.
pub(super) fn list_worktree(root: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Listing> {
    let mut out = Listing::default();
    for top in KNOWN_TOP.iter().filter(|t| keep(t)) {
        let path = root.join(top);
        match fs::symlink_metadata(&path) {
            Ok(meta) => {
                visit(top.to_string(), path, meta.file_type(), keep, &mut out)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(read_error(&path, e)),
        }
    }
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
    keep: &dyn Fn(&str) -> bool,
    out: &mut Listing,
) -> Result<bool> {
    if kind.is_symlink() {
        out.skipped.push((rel, Skip::Symlink));
    } else if kind.is_file() {
        out.files.push((rel, full));
    } else if kind.is_dir() {
        let mut whole = true;
        for entry in fs::read_dir(&full).map_err(|e| read_error(&full, e))? {
            let entry = entry.map_err(|e| read_error(&full, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_ignored_name(&name) {
                continue;
            }
            // Asked before the entry's path is built: most names of a folder are refused (the
            // other years of `rota/`, of `logbook/`).
            let child = format!("{rel}/{name}");
            if !keep(&child) {
                whole = false;
                continue;
            }
            let kind = entry.file_type().map_err(|e| read_error(&entry.path(), e))?;
            whole &= visit(child, entry.path(), kind, keep, out)?;
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
