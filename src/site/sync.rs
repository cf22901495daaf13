//! The site's one edge to the disk: writes the pages into the output folder, only those whose
//! bytes changed (so a CI cache and `rsync` stay cheap), each atomically (a reader never sees
//! half a page), and removes the pages of an earlier build that are gone.
//!
//! The folder's [`MANIFEST`] lists the files the site wrote, each with its fingerprint and the
//! size and modification time it was left with. So only files the site wrote are ever removed
//! (`-o` pointed at a folder holding other files leaves them alone), and a file still as it was
//! left is [`Known`]: a page with the same fingerprint is not even rendered again.

use super::{Body, Fingerprint, Known, Page};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The files of the last build, with what they were made from.
pub const MANIFEST: &str = ".watchbill-site.json";

/// What a build did to the folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Files written (new, or their bytes changed).
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Of those, the pages not rendered at all: made from the same as last time.
    pub reused: usize,
    pub removed: usize,
}

#[derive(Default, Serialize, Deserialize)]
struct Manifest {
    salt: String,
    files: BTreeMap<String, Record>,
}

/// One file as the site left it.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Record {
    fingerprint: String,
    size: u64,
    /// Nanoseconds since 1970 of its last change, as the disk said once it was written.
    modified: u128,
}

/// The last build's manifest in `dir` (empty when missing or unreadable: everything is
/// rendered and compared again).
fn manifest(dir: &Path) -> Manifest {
    fs::read(dir.join(MANIFEST)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// The size and modification time of the file at `path`, if it is a file (not a link).
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let m = path.symlink_metadata().ok().filter(fs::Metadata::is_file)?;
    let modified = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some((m.len(), modified))
}

/// The pages of the last build in `dir` whose files are still as it left them, with their
/// fingerprints, when it was made with `salt` (else none: the binary or the templates changed).
pub fn known(dir: &Path, salt: Fingerprint) -> Known {
    let m = manifest(dir);
    if Fingerprint::from_hex(&m.salt) != Some(salt) {
        return Known::new();
    }
    m.files
        .into_iter()
        .filter(|(path, r)| safe(path) && stamp(&dir.join(path)) == Some((r.size, r.modified)))
        .filter_map(|(path, r)| Some((path, Fingerprint::from_hex(&r.fingerprint)?)))
        .collect()
}

fn write_error(path: &Path, e: io::Error) -> Error {
    Error::usage(format!("cannot write {}: {e}", path.display()))
        .help("check that the output folder is writable and not a link")
}

/// Puts `pages` (built with `salt`) in `dir` (created if need be); `dry_run` only counts.
pub fn sync(dir: &Path, pages: &[Page], salt: Fingerprint, dry_run: bool) -> Result<Counts> {
    if !dry_run {
        fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        folders(dir, pages)?;
    }
    let before = manifest(dir);
    let results = crate::parallel::by_runs(
        pages.iter().collect(),
        256,
        |p| match &p.body {
            Body::Bytes(b) => b.len() / 1024 + 1,
            Body::Kept => 0,
        },
        |run: Vec<&Page>| -> Result<Vec<(usize, Option<Record>)>> {
            run.into_iter().map(|p| put(dir, p, &before, dry_run)).collect()
        },
    );
    let mut counts = Counts::default();
    let mut files = BTreeMap::new();
    for (p, (written, record)) in
        pages.iter().zip(results.into_iter().collect::<Result<Vec<_>>>()?.into_iter().flatten())
    {
        match (written, &p.body) {
            (1, _) => counts.written += 1,
            (_, Body::Kept) => {
                counts.unchanged += 1;
                counts.reused += 1;
            }
            _ => counts.unchanged += 1,
        }
        if let Some(r) = record {
            files.insert(p.path.clone(), r);
        }
    }
    let now: BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    for old in before.files.keys().filter(|l| !now.contains(l.as_str()) && safe(l)) {
        let path = dir.join(old);
        if path.symlink_metadata().is_ok_and(|m| m.is_file()) {
            if !dry_run {
                fs::remove_file(&path).map_err(|e| write_error(&path, e))?;
            }
            counts.removed += 1;
        }
    }
    let after = Manifest { salt: salt.hex(), files };
    if !dry_run && (after.salt != before.salt || after.files != before.files) {
        let bytes = serde_json::to_vec(&after)
            .map_err(|e| Error::usage(format!("cannot encode the site's manifest: {e}")))?;
        write_atomic(&dir.join(MANIFEST), &bytes)?;
    }
    Ok(counts)
}

/// Puts one page in `dir`: (1 if it was written, else 0; its manifest record, when it has one).
/// Bytes are compared with the file there before anything is written.
fn put(dir: &Path, p: &Page, before: &Manifest, dry_run: bool) -> Result<(usize, Option<Record>)> {
    let target = dir.join(&p.path);
    let fingerprint = p.fingerprint.hex();
    let bytes = match &p.body {
        // A kept page's file is as the last build left it (see `known`): its record stands.
        Body::Kept => {
            let r = before.files.get(&p.path).cloned().map(|r| Record { fingerprint, ..r });
            return Ok((0, r));
        }
        Body::Bytes(b) => b,
    };
    let same = stamp(&target).is_some_and(|(size, _)| size == bytes.len() as u64)
        && fs::read(&target).is_ok_and(|b| b == *bytes);
    let written = usize::from(!same);
    if dry_run {
        return Ok((written, None));
    }
    if !same {
        write_atomic(&target, bytes)?;
    }
    let record = stamp(&target).map(|(size, modified)| Record { fingerprint, size, modified });
    Ok((written, record))
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

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: Fingerprint = Fingerprint(7);

    fn page(path: &str, text: &str) -> Page {
        Page {
            path: path.into(),
            fingerprint: Fingerprint::of(SALT, text.as_bytes()),
            body: Body::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn counts(written: usize, unchanged: usize, reused: usize, removed: usize) -> Counts {
        Counts { written, unchanged, reused, removed }
    }

    #[test]
    fn only_changed_pages_are_written_and_only_ours_removed() {
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("mine.txt"), "the user's").unwrap();
        let first = [page("index.html", "a"), page("journal/2026-W47.html", "b")];
        assert_eq!(sync(t.path(), &first, SALT, false).unwrap(), counts(2, 0, 0, 0));
        assert_eq!(sync(t.path(), &first, SALT, false).unwrap(), counts(0, 2, 0, 0));
        let second = [page("index.html", "c")];
        assert_eq!(sync(t.path(), &second, SALT, true).unwrap(), counts(1, 0, 0, 1));
        assert_eq!(fs::read_to_string(t.path().join("index.html")).unwrap(), "a", "a dry run writes nothing");
        assert_eq!(sync(t.path(), &second, SALT, false).unwrap(), counts(1, 0, 0, 1));
        assert!(!t.path().join("journal/2026-W47.html").exists());
        assert_eq!(fs::read_to_string(t.path().join("mine.txt")).unwrap(), "the user's");
        let left: Vec<_> = fs::read_dir(t.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "{left:?}");
    }

    #[test]
    fn a_file_left_intact_is_known_and_one_changed_by_hand_or_another_salt_is_not() {
        let t = tempfile::tempdir().unwrap();
        let pages = [page("index.html", "a"), page("journal/2026-W47.html", "b"), page("style.css", "c")];
        sync(t.path(), &pages, SALT, false).unwrap();
        let known = known(t.path(), SALT);
        assert_eq!(known.len(), 3);
        assert_eq!(known["index.html"], pages[0].fingerprint);
        // Kept pages are not written, and stay known.
        let kept: Vec<Page> = pages.iter().map(|p| Page { body: Body::Kept, ..p.clone() }).collect();
        assert_eq!(sync(t.path(), &kept, SALT, false).unwrap(), counts(0, 3, 3, 0));
        assert_eq!(super::known(t.path(), SALT), known);
        fs::write(t.path().join("index.html"), "edited").unwrap();
        fs::remove_file(t.path().join("style.css")).unwrap();
        let after = super::known(t.path(), SALT);
        assert_eq!(after.keys().collect::<Vec<_>>(), ["journal/2026-W47.html"], "{after:?}");
        assert!(super::known(t.path(), Fingerprint(8)).is_empty(), "another binary or template set");
    }

    #[test]
    fn a_manifest_cannot_remove_files_outside() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("site");
        fs::create_dir(&out).unwrap();
        fs::write(t.path().join("precious"), "x").unwrap();
        let record = r#"{"fingerprint": "0000000000000001", "size": 1, "modified": 0}"#;
        let manifest = format!(
            r#"{{"salt": "{}", "files": {{"../precious": {record}, "/etc/passwd": {record}}}}}"#,
            SALT.hex()
        );
        fs::write(out.join(MANIFEST), manifest).unwrap();
        assert_eq!(sync(&out, &[page("index.html", "a")], SALT, false).unwrap().removed, 0);
        assert!(t.path().join("precious").exists());
        assert!(known(&out, SALT).keys().all(|k| k == "index.html"));
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), t.path().join("journal")).unwrap();
        let e = sync(t.path(), &[page("journal/x.html", "a")], SALT, false).unwrap_err();
        assert!(e.message.contains("is a link"), "{}", e.message);
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
