//! The on-disk part of a cache keyed by blob id ([`blob_ids`]): values of a few bytes to a few
//! kilobytes each, kept between runs under git's own folder (`.git/watchbill/`, shared by every
//! worktree of the repository, never in the working tree).
//!
//! - **Versioned**: the file is named for [`CACHE_FORMAT`] and begins with it and the version of
//!   watchbill that wrote it; a file of another version is ignored (and replaced at the next
//!   save), so a binary never reads values another one laid out.
//! - **Corruption is a miss**: the file ends with the SHA-1 of what precedes it; a file that is
//!   truncated, garbled or unreadable is ignored as if missing, without a word.
//! - **Bounded**: at most [`CACHE_LIMIT_BYTES`] of values; a save keeps what this run used first,
//!   then what it found, until the bound.
//! - **Safe with concurrent processes**: a save writes a temporary file beside it and renames it
//!   over the cache, so a reader sees one whole file or the other; of two saves at once the last
//!   wins, and the other's new values are merely computed again next time.
//!
//! What the values mean is the caller's: this module stores bytes.

use super::*;
use std::collections::{HashMap, HashSet};

/// The layout of the cache file and of the values in it; raise it whenever either changes.
pub const CACHE_FORMAT: u32 = 1;

/// The most bytes of values a cache keeps.
pub const CACHE_LIMIT_BYTES: usize = 64 << 20;

const MAGIC: &[u8; 8] = b"WBCACHE\0";
const ID_LEN: usize = 20;

/// A cache of values by blob id, loaded from disk, to be saved back if it changed.
pub struct Cache {
    /// Where it lives; `None` outside a repository (then nothing is kept).
    file: Option<PathBuf>,
    values: HashMap<Oid, Vec<u8>>,
    used: HashSet<Oid>,
    changed: bool,
    limit: usize,
}

impl Cache {
    /// The cache of the repository around `root`; empty when there is none yet, when it is of
    /// another version or damaged, or outside a repository.
    pub fn open(root: &Path) -> Cache {
        let file = open_raw(root).ok().map(|repo| cache_file(repo.commondir()));
        let values =
            file.as_deref().and_then(|f| fs::read(f).ok()).and_then(|b| decode(&b)).unwrap_or_default();
        Cache { file, values, used: HashSet::new(), changed: false, limit: CACHE_LIMIT_BYTES }
    }

    /// An empty cache that keeps nothing: `--no-cache`, and tests.
    pub fn disabled() -> Cache {
        Cache { file: None, values: HashMap::new(), used: HashSet::new(), changed: false, limit: 0 }
    }

    /// The value kept for `id`, if any.
    pub fn get(&mut self, id: &Oid) -> Option<&[u8]> {
        let value = self.values.get(id)?;
        self.used.insert(*id);
        Some(value)
    }

    /// Keeps `value` for `id` (saved by [`Cache::save`]).
    pub fn put(&mut self, id: Oid, value: Vec<u8>) {
        if self.file.is_none() {
            return;
        }
        self.used.insert(id);
        if self.values.get(&id) != Some(&value) {
            self.values.insert(id, value);
            self.changed = true;
        }
    }

    /// Writes the cache back if it changed. Best effort: a cache that cannot be written (a
    /// read-only repository, a full disk) is computed again next time, and the command goes on.
    pub fn save(self) {
        let (Some(file), true) = (&self.file, self.changed) else { return };
        let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else { return };
        let bytes = encode(&self.values, &self.used, self.limit);
        let _ = write_atomic(dir, &name.to_string_lossy(), &bytes);
    }

    /// How many values it holds.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// `.git/watchbill/cache-v<CACHE_FORMAT>.bin`.
pub fn cache_file(git_common_dir: &Path) -> PathBuf {
    git_common_dir.join("watchbill").join(format!("cache-v{CACHE_FORMAT}.bin"))
}

/// What a cache file begins with: the magic, the format, the version of watchbill.
fn header() -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend(CACHE_FORMAT.to_le_bytes());
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    h.push(version.len() as u8);
    h.extend(version);
    h
}

/// The header, then each value as its id, its length (u32, little-endian) and its bytes, then
/// the SHA-1 of all that. Values this run used come first; the rest follow while they fit.
fn encode(values: &HashMap<Oid, Vec<u8>>, used: &HashSet<Oid>, limit: usize) -> Vec<u8> {
    let mut ids: Vec<&Oid> = values.keys().collect();
    // Used first, then by id: the same cache always gives the same bytes.
    ids.sort_by_key(|id| (!used.contains(id), **id));
    let mut out = header();
    let mut total = 0;
    for id in ids {
        let value = &values[id];
        let Ok(len) = u32::try_from(value.len()) else { continue };
        if total + value.len() > limit {
            continue;
        }
        total += value.len();
        out.extend(id.as_bytes());
        out.extend(len.to_le_bytes());
        out.extend(value);
    }
    // Unhashable (libgit2 failing): a file with no checksum, which no read accepts.
    if let Some(sum) = hashed_blob_id(&out) {
        out.extend(sum.as_bytes());
    }
    out
}

/// The values of a cache file, or `None` when it is of another version or damaged.
fn decode(bytes: &[u8]) -> Option<HashMap<Oid, Vec<u8>>> {
    let body = bytes.get(..bytes.len().checked_sub(ID_LEN)?)?;
    if hashed_blob_id(body)?.as_bytes() != &bytes[body.len()..] {
        return None;
    }
    let mut rest = body.strip_prefix(header().as_slice())?;
    let mut values = HashMap::new();
    while !rest.is_empty() {
        let id = Oid::from_bytes(rest.get(..ID_LEN)?).ok()?;
        let len = u32::from_le_bytes(rest.get(ID_LEN..ID_LEN + 4)?.try_into().ok()?) as usize;
        let start = ID_LEN + 4;
        values.insert(id, rest.get(start..start + len)?.to_vec());
        rest = &rest[start + len..];
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        Repository::init(dir.path()).expect("git init");
        dir
    }

    fn id(n: u8) -> Oid {
        hashed_blob_id(&[n]).expect("hashes")
    }

    #[test]
    fn values_survive_a_save_under_dot_git() {
        let dir = repo();
        let mut cache = Cache::open(dir.path());
        assert!(cache.is_empty());
        cache.put(id(1), b"one".to_vec());
        cache.put(id(2), Vec::new());
        cache.save();
        assert!(dir.path().join(".git/watchbill").join(format!("cache-v{CACHE_FORMAT}.bin")).is_file());
        let mut again = Cache::open(dir.path());
        assert_eq!(again.get(&id(1)), Some(&b"one"[..]));
        assert_eq!(again.get(&id(2)), Some(&b""[..]));
        assert_eq!(again.get(&id(3)), None);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_a_silent_miss_and_is_replaced() {
        let dir = repo();
        let mut cache = Cache::open(dir.path());
        cache.put(id(1), b"one".to_vec());
        cache.save();
        let file = cache_file(&dir.path().join(".git"));
        let good = fs::read(&file).expect("cache file");
        for damaged in [
            good[..good.len() - 1].to_vec(),
            good.iter().enumerate().map(|(i, b)| if i == 30 { b ^ 1 } else { *b }).collect(),
            b"garbage".to_vec(),
            Vec::new(),
        ] {
            fs::write(&file, &damaged).expect("write");
            assert!(Cache::open(dir.path()).is_empty());
        }
        // Another version's file, whole: ignored too.
        let mut other = good.clone();
        other[MAGIC.len()] ^= 0xff;
        let n = other.len() - ID_LEN;
        let sum = hashed_blob_id(&other[..n]).expect("hashes");
        other[n..].copy_from_slice(sum.as_bytes());
        fs::write(&file, &other).expect("write");
        let mut cache = Cache::open(dir.path());
        assert!(cache.is_empty());
        cache.put(id(2), b"two".to_vec());
        cache.save();
        assert_eq!(Cache::open(dir.path()).get(&id(2)), Some(&b"two"[..]));
    }

    #[test]
    fn the_bound_keeps_what_this_run_used() {
        let mut values = HashMap::new();
        for n in 0..10 {
            values.insert(id(n), vec![n; 100]);
        }
        let used: HashSet<Oid> = [id(7), id(8)].into();
        let kept = decode(&encode(&values, &used, 250)).expect("decodes");
        assert_eq!(kept.len(), 2);
        assert!(kept.contains_key(&id(7)) && kept.contains_key(&id(8)));
    }

    #[test]
    fn concurrent_saves_leave_one_whole_cache() {
        let dir = repo();
        std::thread::scope(|s| {
            for n in 0..8u8 {
                let root = dir.path();
                s.spawn(move || {
                    let mut cache = Cache::open(root);
                    cache.put(id(n), vec![n; 10_000]);
                    cache.save();
                });
            }
        });
        let cache = Cache::open(dir.path());
        assert!(!cache.is_empty(), "one of the saves is there, whole");
    }

    #[test]
    fn outside_a_repository_nothing_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cache = Cache::open(dir.path());
        cache.put(id(1), b"one".to_vec());
        cache.save();
        assert!(Cache::open(dir.path()).is_empty());
        assert!(!dir.path().join(".git").exists());
    }
}
