//! Which blob each file of the working tree holds, as far as git's own data can vouch for it
//! without reading the file: the key of a cache of parsed records (`store::cache`).
//!
//! A revision's tree gives the ids directly ([`list_blobs`]). For the working tree, git's index
//! records each file's stat data when it last hashed it; a file whose stat data still matches
//! holds the blob of its entry. watchbill follows git's rules (`ie_match_stat`,
//! `is_racy_timestamp` in git's read-cache.c), more strictly where it may:
//!
//! - every stat field git compares must match: mtime and ctime (seconds and nanoseconds), size,
//!   inode, owner and group (not the device, as git); an entry git itself would not trust (a conflict, a file
//!   marked skip-worktree, assume-unchanged or intent-to-add) is never trusted;
//! - a file modified in the same second as the index was written, or later, is *racy*: it may
//!   have changed after git hashed it without changing its stat data, so it is not trusted (git
//!   compares to the nanosecond; comparing whole seconds distrusts a little more, never less);
//! - the blob is what git stores, the file what watchbill parses: they are the same bytes only
//!   when no conversion lies between them, so a file is trusted only when `core.autocrlf` is off
//!   and no `text`, `eol`, `crlf`, `filter`, `ident` or `working-tree-encoding` attribute applies.
//!
//! Every other file must be read and hashed ([`hashed_blob_id`]) to know its id.

use super::*;
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// The id git gives a blob of these bytes (`git hash-object` of the bytes as they are, with no
/// filter); `None` if libgit2 cannot hash (then nothing may be looked up by it).
pub fn hashed_blob_id(bytes: &[u8]) -> Option<Oid> {
    Oid::hash_object(ObjectType::Blob, bytes).ok()
}

/// The blob ids the index vouches for among `files` (paths relative to `root`, `/`-separated,
/// with their real paths), by path; a file left out must be read and hashed. Outside a
/// repository (or in a bare one), or when the index cannot be read, none is vouched for.
pub fn index_blob_ids(root: &Path, files: &[(String, PathBuf)]) -> HashMap<String, Oid> {
    let Ok(repo) = open_raw(root) else { return HashMap::new() };
    let (Ok(prefix), Ok(index)) = (prefix_in(&repo, root), repo.index()) else { return HashMap::new() };
    let Some(index_mtime) = index.path().and_then(|p| fs::metadata(p).ok()).and_then(|m| m.modified().ok())
    else {
        return HashMap::new();
    };
    if converts_line_endings(&repo) {
        return HashMap::new();
    }
    files
        .iter()
        .filter_map(|(rel, full)| {
            let path = in_repo(&prefix, rel);
            let entry = index.get_path(Path::new(&path), 0)?;
            let meta = fs::symlink_metadata(full).ok()?;
            let trusted = trusted_entry(&entry)
                && stat_matches(&entry, &meta)
                && !is_racy(&meta, index_mtime)
                && !has_conversion(&repo, &path);
            trusted.then(|| (rel.clone(), entry.id))
        })
        .collect()
}

/// `core.autocrlf` set to anything but false makes git convert line endings on the way in (and,
/// with `true`, on the way out).
fn converts_line_endings(repo: &Repository) -> bool {
    let Ok(config) = repo.config() else { return true };
    match config.get_bool("core.autocrlf") {
        Ok(on) => on,
        // Unset is off; a value that is not a boolean is `input`.
        Err(e) if e.code() == ErrorCode::NotFound => false,
        Err(_) => true,
    }
}

/// The attributes that make git change the bytes between the blob and the file.
const CONVERSION_ATTRIBUTES: [&str; 6] = ["text", "eol", "crlf", "filter", "ident", "working-tree-encoding"];

fn has_conversion(repo: &Repository, path: &str) -> bool {
    CONVERSION_ATTRIBUTES.iter().any(|attr| {
        match repo.get_attr_bytes(Path::new(path), attr, git2::AttrCheckFlags::FILE_THEN_INDEX) {
            Ok(value) => git2::AttrValue::from_bytes(value) != git2::AttrValue::Unspecified,
            Err(_) => true,
        }
    })
}

/// Flags of an entry git does not vouch for by its stat data (read-cache.c: CE_VALID,
/// CE_SKIP_WORKTREE, CE_INTENT_TO_ADD, and a stage other than 0).
const ASSUME_VALID: u16 = 0x8000;
const STAGE_MASK: u16 = 0x3000;
const SKIP_WORKTREE: u16 = 0x4000;
const INTENT_TO_ADD: u16 = 0x2000;

fn trusted_entry(entry: &git2::IndexEntry) -> bool {
    entry.flags & (ASSUME_VALID | STAGE_MASK) == 0
        && entry.flags_extended & (SKIP_WORKTREE | INTENT_TO_ADD) == 0
        && entry.id != Oid::ZERO_SHA1
}

/// Whether the file's stat data is what the index recorded when git hashed it: the fields git
/// compares (`match_stat_data` in read-cache.c). Not the device, as git does not (unless built
/// with USE_STDEV): libgit2 writes it as 0.
#[cfg(unix)]
fn stat_matches(entry: &git2::IndexEntry, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let time = |t: git2::IndexTime| (i64::from(t.seconds()), i64::from(t.nanoseconds()));
    meta.file_type().is_file()
        && time(entry.mtime) == (meta.mtime(), meta.mtime_nsec())
        && time(entry.ctime) == (meta.ctime(), meta.ctime_nsec())
        && u64::from(entry.file_size) == meta.size() & 0xffff_ffff
        && u64::from(entry.ino) == meta.ino() & 0xffff_ffff
        && entry.uid == meta.uid()
        && entry.gid == meta.gid()
}

/// Elsewhere the index keeps less of the stat data: never vouch.
#[cfg(not(unix))]
fn stat_matches(_entry: &git2::IndexEntry, _meta: &fs::Metadata) -> bool {
    false
}

/// git's racy-timestamp rule, in whole seconds: a file modified no earlier than the index was
/// written may have changed after it was hashed without changing its stat data.
fn is_racy(meta: &fs::Metadata, index_mtime: SystemTime) -> bool {
    let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    meta.modified().map_or(true, |m| secs(m) >= secs(index_mtime))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Duration;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Sets a file's mtime to `secs` seconds ago (git's index then is newer: not racy).
    fn age(path: &Path, secs: u64) {
        let t = SystemTime::now() - Duration::from_secs(secs);
        fs::File::options().write(true).open(path).and_then(|f| f.set_modified(t)).expect("set mtime");
    }

    /// A repository with `a.md` and `b.md` committed, both older than the index.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        for (name, text) in [("a.md", "alpha\n"), ("b.md", "beta\n")] {
            fs::write(root.join(name), text).expect("write");
            age(&root.join(name), 100);
        }
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", "first"]);
        dir
    }

    fn files(root: &Path) -> Vec<(String, PathBuf)> {
        ["a.md", "b.md"].iter().map(|n| (n.to_string(), root.join(n))).collect()
    }

    #[test]
    fn unchanged_files_take_the_index_id_which_is_git_hash_object() {
        let dir = repo();
        let ids = index_blob_ids(dir.path(), &files(dir.path()));
        assert_eq!(ids.len(), 2);
        for name in ["a.md", "b.md"] {
            assert_eq!(ids[name].to_string(), git(dir.path(), &["hash-object", name]));
            assert_eq!(Some(ids[name]), hashed_blob_id(&fs::read(dir.path().join(name)).expect("read")));
        }
    }

    #[test]
    fn an_edit_with_the_same_size_and_mtime_is_not_vouched_for() {
        let dir = repo();
        let a = dir.path().join("a.md");
        let mtime = fs::metadata(&a).and_then(|m| m.modified()).expect("mtime");
        fs::write(&a, "ALPHA\n").expect("write");
        fs::File::options().write(true).open(&a).and_then(|f| f.set_modified(mtime)).expect("mtime");
        // Same size and mtime: the ctime (or, on a coarse clock, the inode) still differs.
        let ids = index_blob_ids(dir.path(), &files(dir.path()));
        assert!(!ids.contains_key("a.md"), "{ids:?}");
        assert!(ids.contains_key("b.md"));
    }

    #[test]
    fn a_file_as_new_as_the_index_is_racy() {
        let dir = repo();
        let b = dir.path().join("b.md");
        fs::write(&b, "beta\n").expect("write");
        git(dir.path(), &["add", "b.md"]);
        // Modified after the index was written (a clock ahead, or an edit in the same second).
        let later = SystemTime::now() + Duration::from_secs(10);
        fs::File::options().write(true).open(&b).and_then(|f| f.set_modified(later)).expect("mtime");
        git(dir.path(), &["update-index", "--refresh"]);
        let ids = index_blob_ids(dir.path(), &files(dir.path()));
        assert!(!ids.contains_key("b.md"), "{ids:?}");
        assert!(ids.contains_key("a.md"));
    }

    #[test]
    fn line_ending_conversion_means_hashing() {
        let dir = repo();
        git(dir.path(), &["config", "core.autocrlf", "input"]);
        assert!(index_blob_ids(dir.path(), &files(dir.path())).is_empty());
        git(dir.path(), &["config", "core.autocrlf", "false"]);
        fs::write(dir.path().join(".gitattributes"), "a.md text eol=crlf\n").expect("write");
        let ids = index_blob_ids(dir.path(), &files(dir.path()));
        assert!(!ids.contains_key("a.md"), "{ids:?}");
        assert!(ids.contains_key("b.md"));
    }

    #[test]
    fn skip_worktree_and_assume_unchanged_entries_are_not_trusted() {
        let dir = repo();
        git(dir.path(), &["update-index", "--assume-unchanged", "a.md"]);
        git(dir.path(), &["update-index", "--skip-worktree", "b.md"]);
        assert!(index_blob_ids(dir.path(), &files(dir.path())).is_empty());
    }

    #[test]
    fn outside_a_repository_nothing_is_vouched_for() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("a.md"), "x").expect("write");
        let files = vec![("a.md".to_string(), dir.path().join("a.md"))];
        assert!(index_blob_ids(dir.path(), &files).is_empty());
    }
}
