//! Finding the crews below a folder: every folder holding a `watchbill.toml`.
//!
//! The walk reads like the store's reader: a symbolic link is never followed (a link to a crew
//! elsewhere is not one of this repository's), hidden folders (`.git`) are skipped, and a crew's
//! own folder is not searched for crews inside it. The walk stops at [`MAX_DEPTH`] folders
//! down, so a run from a home folder by mistake ends quickly.

use crate::error::{Error, Result};
use crate::model::settings;
use std::fs;
use std::path::{Path, PathBuf};

/// How many folders down the walk looks (`crews/payments` is 2).
pub const MAX_DEPTH: usize = 6;

/// How many folders the walk opens at most: a run from a home folder by mistake stays quick.
const MAX_FOLDERS: usize = 20_000;

/// A crew found below the top folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crew {
    /// The crew's folder relative to the top, `/`-separated; `.` for the top itself.
    pub folder: String,
    /// The crew's folder on disk.
    pub path: PathBuf,
}

/// The crews at or below `top`, by folder. A crew inside another crew's folder is not looked
/// for: a crew's folder holds its own records only.
pub fn crews_below(top: &Path) -> Result<Vec<Crew>> {
    let top = fs::canonicalize(top).map_err(|e| {
        Error::usage(format!("cannot open {}: {e}", top.display()))
            .help("check the folder (given with -C, or the current one)")
    })?;
    let mut found = Vec::new();
    walk(&top, &top, 0, &mut { MAX_FOLDERS }, &mut found);
    found.sort_by(|a: &Crew, b| a.folder.cmp(&b.folder));
    Ok(found)
}

fn walk(top: &Path, dir: &Path, depth: usize, budget: &mut usize, found: &mut Vec<Crew>) {
    // A regular file only: a linked or piped watchbill.toml is not a crew this walk reads.
    if fs::symlink_metadata(dir.join(settings::FILE)).is_ok_and(|m| m.file_type().is_file()) {
        found.push(Crew { folder: relative(top, dir), path: dir.to_path_buf() });
        return;
    }
    if depth >= MAX_DEPTH || *budget == 0 {
        return;
    }
    *budget -= 1;
    // An unreadable folder holds no crew we can read: skipped, like the store skips it.
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut subdirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        walk(top, &sub, depth + 1, budget, found);
    }
}

fn relative(top: &Path, dir: &Path) -> String {
    let parts: Vec<String> = dir
        .strip_prefix(top)
        .map(|r| r.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The crews below `start` when `start` is not inside a crew: what a command run above several
/// crews works on. `None` inside a crew (or below no crew at all).
pub fn above_crews(start: &Path) -> Result<Option<Vec<Crew>>> {
    if crate::store::find_root(start).is_ok() {
        return Ok(None);
    }
    let crews = crews_below(start)?;
    Ok((!crews.is_empty()).then_some(crews))
}

/// The error of a command about one crew run above several: which ones, and how to pick one.
pub fn pick_one(crews: &[Crew]) -> Error {
    let list: Vec<&str> = crews.iter().map(|c| c.folder.as_str()).collect();
    let first = list.first().copied().unwrap_or("crews/payments");
    Error::usage(format!("several crews here: use -C with one of {}", list.join(", ")))
    .help(format!(
        "run the command in a crew's folder, or pass it: `watchbill -C {first} …`; `watchbill crews` lists them, `watchbill org status` shows them side by side"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crew_at(top: &Path, folder: &str) {
        let dir = top.join(folder);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(settings::FILE), "name = \"x\"\n").unwrap();
    }

    #[test]
    fn finds_crews_in_sorted_folders_but_not_inside_a_crew_or_a_hidden_folder() {
        let t = tempfile::tempdir().unwrap();
        crew_at(t.path(), "crews/payments");
        crew_at(t.path(), "crews/identity");
        crew_at(t.path(), "crews/payments/nested");
        crew_at(t.path(), ".git/crew");
        crew_at(t.path(), "search");
        let folders: Vec<String> = crews_below(t.path()).unwrap().into_iter().map(|c| c.folder).collect();
        assert_eq!(folders, ["crews/identity", "crews/payments", "search"]);
        assert_eq!(crews_below(&t.path().join("search")).unwrap()[0].folder, ".");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_followed() {
        let t = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        crew_at(elsewhere.path(), "other");
        std::os::unix::fs::symlink(elsewhere.path().join("other"), t.path().join("linked")).unwrap();
        fs::create_dir_all(t.path().join("fake")).unwrap();
        std::os::unix::fs::symlink(
            elsewhere.path().join("other/watchbill.toml"),
            t.path().join("fake/watchbill.toml"),
        )
        .unwrap();
        assert_eq!(crews_below(t.path()).unwrap(), Vec::new());
    }

    #[test]
    fn the_error_lists_the_crews() {
        let crews = vec![
            Crew { folder: "crews/a".into(), path: PathBuf::from("/x/crews/a") },
            Crew { folder: "crews/b".into(), path: PathBuf::from("/x/crews/b") },
        ];
        let e = pick_one(&crews);
        assert!(e.message.starts_with("several crews here: use -C"), "{}", e.message);
        assert!(e.message.ends_with("one of crews/a, crews/b"), "{}", e.message);
    }
}
