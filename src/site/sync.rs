//! The site's one edge to the disk: writes the pages into the output folder, only those whose
//! bytes changed (so a CI cache and `rsync` stay cheap), each atomically (a reader never sees
//! half a page), and removes the pages of an earlier build that are gone.
//!
//! Only files the site wrote are ever removed: their list is kept in [`MANIFEST`] in the folder,
//! so `-o` pointed at a folder holding other files leaves them alone.

use super::Page;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The list of the files of the last build, one path a line.
pub const MANIFEST: &str = ".watchbill-site";

/// What a build did to the folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

fn write_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("cannot write {}: {e}", path.display()))
        .help("check that the output folder is writable and not a link")
}

/// Puts `pages` in `dir` (created if need be); `dry_run` only counts.
pub fn sync(dir: &Path, pages: &[Page], dry_run: bool) -> Result<Counts> {
    if !dry_run {
        fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        folders(dir, pages)?;
    }
    let results = crate::parallel::by_runs(
        pages.iter().collect(),
        256,
        |p| p.bytes.len() / 1024 + 1,
        |run: Vec<&Page>| -> Result<(usize, usize)> {
            let (mut written, mut unchanged) = (0, 0);
            for p in run {
                let target = dir.join(&p.path);
                if fs::read(&target).is_ok_and(|b| b == p.bytes) {
                    unchanged += 1;
                    continue;
                }
                if !dry_run {
                    write_atomic(&target, &p.bytes)?;
                }
                written += 1;
            }
            Ok((written, unchanged))
        },
    );
    let mut counts = Counts::default();
    for r in results {
        let (w, u) = r?;
        counts.written += w;
        counts.unchanged += u;
    }
    let now: BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let manifest = dir.join(MANIFEST);
    let before = fs::read_to_string(&manifest).unwrap_or_default();
    for old in before.lines().filter(|l| !now.contains(l) && safe(l)) {
        let path = dir.join(old);
        if path.symlink_metadata().is_ok_and(|m| m.is_file()) {
            if !dry_run {
                fs::remove_file(&path).map_err(|e| write_error(&path, e))?;
            }
            counts.removed += 1;
        }
    }
    let list: String = now.iter().map(|p| format!("{p}\n")).collect();
    if !dry_run && list != before {
        write_atomic(&manifest, list.as_bytes())?;
    }
    Ok(counts)
}

/// A manifest line the site could have written: relative, without `..`.
fn safe(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Creates the pages' folders, refusing to write through a link (it would write elsewhere).
fn folders(dir: &Path, pages: &[Page]) -> Result<()> {
    let wanted: BTreeSet<PathBuf> =
        pages.iter().filter_map(|p| Path::new(&p.path).parent().map(Path::to_path_buf)).collect();
    for rel in wanted.iter().filter(|r| !r.as_os_str().is_empty()) {
        let mut at = dir.to_path_buf();
        for part in rel.components() {
            at.push(part);
            match at.symlink_metadata() {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(Error::usage(format!(
                        "{} is a link; the site does not write through links",
                        at.display()
                    )))
                }
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::usage(format!("{} is in the way: it is not a folder", at.display())))
                }
                Err(_) => fs::create_dir(&at).map_err(|e| write_error(&at, e))?,
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `target`, then renames it over `target`.
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let folder = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let done =
        fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes)).and_then(|()| fs::rename(&tmp, target));
    done.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        write_error(target, e)
    })
}

/// The crew's own site templates (`templates/site/NAME` beside `watchbill.toml`), named
/// `site/NAME` as the built-ins are. Links and sub-folders are skipped, as for `templates/`.
pub fn read_templates(root: &Path) -> Result<BTreeMap<String, String>> {
    let dir = root.join(crate::render::DIR).join("site");
    let mut out = BTreeMap::new();
    let is_link = |p: &Path| p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
    if is_link(&root.join(crate::render::DIR)) || is_link(&dir) {
        return Ok(out);
    }
    let Ok(entries) = fs::read_dir(&dir) else { return Ok(out) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_file()) || name.starts_with('.') {
            continue;
        }
        let text = fs::read_to_string(entry.path()).map_err(|e| {
            Error::usage(format!("cannot read {}: {e}", entry.path().display()))
                .help("templates are UTF-8 text files")
        })?;
        out.insert(format!("site/{name}"), text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> Page {
        Page { path: path.into(), bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn only_changed_pages_are_written_and_only_ours_removed() {
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("mine.txt"), "the user's").unwrap();
        let first = [page("index.html", "a"), page("journal/2026-W47.html", "b")];
        assert_eq!(sync(t.path(), &first, false).unwrap(), Counts { written: 2, unchanged: 0, removed: 0 });
        assert_eq!(sync(t.path(), &first, false).unwrap(), Counts { written: 0, unchanged: 2, removed: 0 });
        let second = [page("index.html", "c")];
        assert_eq!(sync(t.path(), &second, true).unwrap(), Counts { written: 1, unchanged: 0, removed: 1 });
        assert_eq!(fs::read_to_string(t.path().join("index.html")).unwrap(), "a", "a dry run writes nothing");
        assert_eq!(sync(t.path(), &second, false).unwrap(), Counts { written: 1, unchanged: 0, removed: 1 });
        assert!(!t.path().join("journal/2026-W47.html").exists());
        assert_eq!(fs::read_to_string(t.path().join("mine.txt")).unwrap(), "the user's");
        let left: Vec<_> = fs::read_dir(t.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "{left:?}");
    }

    #[test]
    fn a_manifest_cannot_remove_files_outside() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("site");
        fs::create_dir(&out).unwrap();
        fs::write(t.path().join("precious"), "x").unwrap();
        fs::write(out.join(MANIFEST), "../precious\n/etc/passwd\n").unwrap();
        assert_eq!(sync(&out, &[page("index.html", "a")], false).unwrap().removed, 0);
        assert!(t.path().join("precious").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), t.path().join("journal")).unwrap();
        let e = sync(t.path(), &[page("journal/x.html", "a")], false).unwrap_err();
        assert!(e.message.contains("is a link"), "{}", e.message);
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
