//! The on-disk part of a cache keyed by blob id ([`blob_ids`]): values of a few bytes to a few
//! kilobytes each, kept between runs under git's own folder (`.git/watchbill/`, in the common
//! git folder, so shared by every worktree of the repository, never in the working tree).
//!
//! - **By folder**: values are kept in one file per folder of the records they belong to
//!   (`logbook/2026-W48`, `rota`), so a command that reads a few weeks reads a few small cache
//!   files, not one for the whole history, and a write rewrites only its folder's.
//! - **Versioned**: the folder is named for [`CACHE_FORMAT`] and each file begins with it and
//!   the version of watchbill that wrote it; a file of another version is ignored (and replaced
//!   at the next save), so a binary never reads values another one laid out.
//! - **Corruption is a miss**: each file ends with the SHA-1 of what precedes it; a file that is
//!   truncated, garbled or unreadable is ignored as if missing, without a word.
//! - **Bounded**: a folder's file keeps the values this run used, then others while the file
//!   stays under twice their size and [`SHARD_LIMIT_BYTES`] (an edited file's older versions,
//!   another branch's), so stale values cannot pile up.
//! - **Safe with concurrent processes**: a save writes a temporary file beside it and renames it
//!   over the cache, so a reader sees one whole file or the other; of two saves at once the last
//!   wins, and the other's new values are merely computed again next time.
//!
//! What the values mean is the caller's: this module stores bytes.

use super::*;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

/// The layout of the cache files and of the values in them; raise it whenever either changes.
pub const CACHE_FORMAT: u32 = 2;

/// The most bytes of values one folder's cache file keeps.
pub const SHARD_LIMIT_BYTES: usize = 16 << 20;

/// Below this, a folder's file may hold unused values whatever this run used.
const SHARD_SLACK_BYTES: usize = 256 << 10;

const MAGIC: &[u8; 8] = b"WBCACHE\0";
const ID_LEN: usize = 20;
/// The fewest bytes a value takes in a cache file (its id and length, no bytes), and a stat
/// record (a name's length and no name, the stat data, when it was taken, the blob id): a count
/// larger than the bytes left divided by these is not believed (see [`encode`]).
const LEAST_VALUE_LEN: usize = ID_LEN + 4;
const LEAST_SEEN_LEN: usize = 2 + std::mem::size_of::<Stat>() + 8 + ID_LEN;

/// What a file's stat data says about it, as git's index records it (`match_stat_data` in git's
/// read-cache.c): mtime and ctime to the nanosecond, size, inode, owner, group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat([i64; 8]);

impl Stat {
    /// The stat data of a regular file; `None` for anything else, and where the platform does not
    /// give all of it (then files are always read and hashed).
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        meta.file_type().is_file().then(|| {
            Stat([
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec(),
                meta.size() as i64,
                meta.ino() as i64,
                i64::from(meta.uid()),
                i64::from(meta.gid()),
            ])
        })
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &fs::Metadata) -> Option<Stat> {
        None
    }

    /// Seconds since the epoch of the last change of the file's bytes (which anyone can set).
    fn mtime(&self) -> i64 {
        self.0[0]
    }

    /// Seconds since the epoch of the last change of its inode (which only the kernel sets).
    fn ctime(&self) -> i64 {
        self.0[2]
    }
}

/// When a file's stat data was taken and the blob it then held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seen {
    stat: Stat,
    /// Seconds since the epoch when the stat data was taken, before the file was read.
    at: i64,
    id: Oid,
}

/// How many seconds a file must be older than the look at it for its stat data to vouch for its
/// bytes. git's racy-timestamp rule (a file modified in the same second as its index entry was
/// written may have changed since without changing its stat data), with a second more for a
/// filesystem clock that lags the system's.
const RACY_SECONDS: i64 = 2;

/// A value's bytes: a slice of the cache file it was loaded from, shared rather than copied (a
/// read of ten years takes 40,000 values from a few hundred files), or a buffer of its own.
#[derive(Clone, Debug)]
pub struct Value {
    buf: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl Value {
    fn new(bytes: Vec<u8>) -> Value {
        Value { range: 0..bytes.len(), buf: Arc::new(bytes) }
    }

    /// The bytes at `range` of this value, sharing its buffer.
    pub fn slice(&self, range: Range<usize>) -> Option<Value> {
        let (start, end) =
            (self.range.start.checked_add(range.start)?, self.range.start.checked_add(range.end)?);
        (range.start <= range.end && end <= self.range.end)
            .then(|| Value { buf: Arc::clone(&self.buf), range: start..end })
    }

    /// The buffer the value lies in, and where.
    pub fn into_parts(self) -> (Arc<Vec<u8>>, Range<usize>) {
        (self.buf, self.range)
    }
}

impl std::ops::Deref for Value {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[self.range.clone()]
    }
}

/// One folder's values and the stat data of its files, as loaded, and what this run did with
/// them.
#[derive(Default)]
struct Shard {
    values: HashMap<Oid, Value>,
    seen: HashMap<String, Seen>,
    used: HashSet<Oid>,
    changed: bool,
}

/// A cache of values by folder and blob id, loaded from disk a folder at a time, saved back
/// where it changed; with, for the working tree, the blob each file held when its stat data was
/// last taken (a record of its own, like git's index but by folder, so a command reading a few
/// weeks never reads the index of the whole history).
pub struct Cache {
    /// Where its files live; `None` outside a repository or with `--no-cache` (then nothing is
    /// kept or found).
    dir: Option<PathBuf>,
    shards: HashMap<String, Shard>,
}

impl Cache {
    /// The cache of the repository around `root`; empty when there is none yet, and nothing
    /// outside a repository.
    pub fn open(root: &Path) -> Cache {
        let dir = open_raw(root).ok().map(|repo| cache_dir(repo.commondir()));
        Cache { dir, shards: HashMap::new() }
    }

    /// A cache that keeps nothing: `--no-cache`.
    pub fn disabled() -> Cache {
        Cache { dir: None, shards: HashMap::new() }
    }

    pub fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    fn shard(&mut self, folder: &str) -> &mut Shard {
        let dir = self.dir.as_deref();
        self.shards
            .entry(folder.to_string())
            .or_insert_with(|| dir.map(|d| load_shard(d, folder)).unwrap_or_default())
    }

    /// Loads the files of `folders` not loaded yet, on every core: a read over hundreds of
    /// folders (the logbook's weeks, the check-ins' objectives) would otherwise read and check
    /// them one after the other before its first hit.
    pub fn load<'f>(&mut self, folders: impl IntoIterator<Item = &'f str>) {
        let Some(dir) = self.dir.as_deref() else { return };
        let mut missing: Vec<&str> = folders.into_iter().filter(|f| !self.shards.contains_key(*f)).collect();
        missing.sort_unstable();
        missing.dedup();
        let loaded = crate::parallel::each(
            missing,
            SHARDS_PER_THREAD,
            |_| 1,
            |folder| (folder, load_shard(dir, folder)),
        );
        for (folder, shard) in loaded {
            self.shards.insert(folder.to_string(), shard);
        }
    }

    /// The value kept for `id` in `folder`, if any.
    pub fn get(&mut self, folder: &str, id: &Oid) -> Option<Value> {
        self.dir.as_ref()?;
        let shard = self.shard(folder);
        let value = shard.values.get(id)?.clone();
        shard.used.insert(*id);
        Some(value)
    }

    /// Keeps `value` for `id` in `folder` (saved by [`Cache::save`]).
    pub fn put(&mut self, folder: &str, id: Oid, value: Vec<u8>) {
        if self.dir.is_none() {
            return;
        }
        let shard = self.shard(folder);
        shard.used.insert(id);
        if shard.values.get(&id).map(|v| &v[..]) != Some(&value[..]) {
            shard.values.insert(id, Value::new(value));
            shard.changed = true;
        }
    }

    /// The blob the file `name` of `folder` holds, if its stat data is the one recorded with
    /// that blob and the file is not racy: it was modified, and its inode last changed, at least
    /// [`RACY_SECONDS`] before the stat data was taken.
    ///
    /// The ctime counts as well as the mtime: anyone can put a file's mtime back (`touch -d`,
    /// `set_modified`), nobody but the kernel sets its ctime, and it moves at every write. git's
    /// racy rule looks at the mtime alone; on a filesystem with one-second timestamps a file
    /// rewritten with the same size and its mtime put back within the second its stat data was
    /// taken keeps every field git compares. Here its ctime is that second, so it is racy.
    pub fn vouched(&mut self, folder: &str, name: &str, stat: &Stat) -> Option<Oid> {
        self.dir.as_ref()?;
        let seen = self.shard(folder).seen.get(name)?;
        let changed = stat.mtime().max(stat.ctime());
        (seen.stat == *stat && changed + RACY_SECONDS <= seen.at).then_some(seen.id)
    }

    /// Records that the file `name` of `folder`, with this stat data taken at `at` (seconds
    /// since the epoch, before its bytes were read), held the blob `id`.
    pub fn saw(&mut self, folder: &str, name: &str, stat: Stat, at: i64, id: Oid) {
        if self.dir.is_none() {
            return;
        }
        let shard = self.shard(folder);
        let seen = Seen { stat, at, id };
        if shard.seen.get(name) != Some(&seen) {
            shard.seen.insert(name.to_string(), seen);
            shard.changed = true;
        }
    }

    /// Writes back the folders' files that changed. Best effort: a cache that cannot be written
    /// (a read-only repository, a full disk) is computed again next time, and the command goes on.
    pub fn save(&mut self) {
        let Some(dir) = &self.dir else { return };
        for (folder, shard) in self.shards.iter_mut().filter(|(_, s)| s.changed) {
            let bytes = encode(shard);
            let _ = write_unsynced(dir, &shard_name(folder), &bytes);
            shard.changed = false;
        }
    }

    /// How many values the folders loaded so far hold.
    pub fn len(&self) -> usize {
        self.shards.values().map(|s| s.values.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Writes a file whole or not at all (a temporary file renamed over it), without syncing: a cache
/// lost to a crash is only computed again, and syncing hundreds of files would cost seconds.
fn write_unsynced(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let seq = TEMP_SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}{TEMP_MARK}{}-{seq}", std::process::id()));
    let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, dir.join(name)));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// `.git/watchbill/cache-v<CACHE_FORMAT>/`.
pub fn cache_dir(git_common_dir: &Path) -> PathBuf {
    git_common_dir.join("watchbill").join(format!("cache-v{CACHE_FORMAT}"))
}

/// The file of a folder's values: its path with `/` as `~` (`logbook~2026-W48.bin`), anything
/// but letters, digits, `-`, `_` and `.` as `_`. Two folders that come out alike share a file,
/// which is harmless: values are by blob id.
fn shard_name(folder: &str) -> String {
    let name: String = folder
        .chars()
        .take(120)
        .map(|c| match c {
            '/' => '~',
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') => c,
            _ => '_',
        })
        .collect();
    format!("{}.bin", if name.is_empty() { "~" } else { name.trim_start_matches('.') })
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

/// A checksum of the file, which finds a truncated or garbled file at several gigabytes a second
/// (git's collision-detecting SHA-1 would cost more than the reads it saves; whoever can write
/// `.git` can change anything anyway).
fn checksum(bytes: &[u8]) -> [u8; 8] {
    crate::documents::quick_hash(bytes).to_le_bytes()
}

const SUM_LEN: usize = 8;

/// The header; the values, each as its id, its length (u32, little-endian) and its bytes; the
/// stat records, each as the name's length (u16) and bytes, the stat data, when it was taken and
/// the blob id; then the checksum of all that. Values this run used come first; the rest follow
/// while the file stays under twice their size (and the slack) and the limit. Stat records are
/// kept only for values kept.
fn encode(shard: &Shard) -> Vec<u8> {
    let (values, used) = (&shard.values, &shard.used);
    let mut ids: Vec<&Oid> = values.keys().collect();
    // Used first, then by id: the same cache always gives the same bytes.
    ids.sort_by_key(|id| (!used.contains(id), **id));
    let used_bytes: usize = values.iter().filter(|(id, _)| used.contains(id)).map(|(_, v)| v.len()).sum();
    let bound = (2 * used_bytes).clamp(SHARD_SLACK_BYTES, SHARD_LIMIT_BYTES);
    let mut out = header();
    let mut body = Vec::new();
    let (mut total, mut count) = (0, 0u32);
    let mut kept = HashSet::new();
    for id in ids {
        let value = &values[id];
        let Ok(len) = u32::try_from(value.len()) else { continue };
        let fits =
            total + value.len() <= bound || (used.contains(id) && total + value.len() <= SHARD_LIMIT_BYTES);
        if !fits {
            continue;
        }
        total += value.len();
        count += 1;
        kept.insert(*id);
        body.extend(id.as_bytes());
        body.extend(len.to_le_bytes());
        body.extend(&value[..]);
    }
    out.extend(count.to_le_bytes());
    out.extend(body);
    let mut seen: Vec<(&String, &Seen)> = shard.seen.iter().filter(|(_, s)| kept.contains(&s.id)).collect();
    seen.sort_by_key(|(name, _)| *name);
    let seen: Vec<_> = seen.into_iter().filter(|(name, _)| name.len() <= usize::from(u16::MAX)).collect();
    out.extend((seen.len() as u32).to_le_bytes());
    for (name, s) in seen {
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(name.as_bytes());
        for n in s.stat.0.iter().chain([&s.at]) {
            out.extend(n.to_le_bytes());
        }
        out.extend(s.id.as_bytes());
    }
    let sum = checksum(&out);
    out.extend(sum);
    out
}

/// Reads a cache file's parts in turn; `at` is where in the file the rest begins.
struct Parts<'a>(&'a [u8], usize);

impl<'a> Parts<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        self.1 += n;
        Some(head)
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn id(&mut self) -> Option<Oid> {
        Oid::from_bytes(self.take(ID_LEN)?).ok()
    }
}

/// Below this many folders to load, [`Cache::load`] stays on the calling thread.
const SHARDS_PER_THREAD: usize = 4;

/// The file of `folder`'s values under `dir`; empty when missing, damaged or of another version.
fn load_shard(dir: &Path, folder: &str) -> Shard {
    fs::read(dir.join(shard_name(folder))).ok().and_then(decode).unwrap_or_default()
}

/// A folder's values (slices of the file, not copies) and stat records from its cache file, or
/// `None` when the file is of another version or damaged.
fn decode(bytes: Vec<u8>) -> Option<Shard> {
    let buf = Arc::new(bytes);
    let body = buf.get(..buf.len().checked_sub(SUM_LEN)?)?;
    if checksum(body) != buf[body.len()..] {
        return None;
    }
    let header = header();
    let mut p = Parts(body.strip_prefix(header.as_slice())?, header.len());
    let mut shard = Shard::default();
    // Sized from the counts up front (growing a map of hundreds of entries rehashes it each
    // time), no more than the bytes left could hold: a damaged count must not allocate gigabytes.
    let values = p.u32()?;
    shard.values.reserve(values.min(p.0.len() / LEAST_VALUE_LEN));
    for _ in 0..values {
        let id = p.id()?;
        let len = p.u32()?;
        let start = p.1;
        p.take(len)?;
        shard.values.insert(id, Value { buf: Arc::clone(&buf), range: start..start + len });
    }
    let seen = p.u32()?;
    shard.seen.reserve(seen.min(p.0.len() / LEAST_SEEN_LEN));
    for _ in 0..seen {
        let len = u16::from_le_bytes(p.take(2)?.try_into().ok()?) as usize;
        let name = std::str::from_utf8(p.take(len)?).ok()?.to_string();
        let mut stat = [0; 8];
        for n in &mut stat {
            *n = p.i64()?;
        }
        let at = p.i64()?;
        shard.seen.insert(name, Seen { stat: Stat(stat), at, id: p.id()? });
    }
    p.0.is_empty().then_some(shard)
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

    const WEEK: &str = "logbook/2026-W48";

    #[test]
    fn values_survive_a_save_under_dot_git() {
        let dir = repo();
        let mut cache = Cache::open(dir.path());
        assert!(cache.is_enabled() && cache.is_empty());
        cache.put(WEEK, id(1), b"one".to_vec());
        cache.put("rota", id(2), Vec::new());
        cache.save();
        let files = dir.path().join(".git/watchbill").join(format!("cache-v{CACHE_FORMAT}"));
        assert!(files.join("logbook~2026-W48.bin").is_file() && files.join("rota.bin").is_file());
        let mut again = Cache::open(dir.path());
        assert_eq!(again.get(WEEK, &id(1)).as_deref(), Some(&b"one"[..]));
        assert_eq!(again.get("rota", &id(2)).as_deref(), Some(&b""[..]));
        assert!(again.get("rota", &id(1)).is_none(), "values are by folder");
        assert!(again.get(WEEK, &id(3)).is_none());
    }

    #[test]
    fn a_damaged_or_foreign_file_is_a_silent_miss_and_is_replaced() {
        let dir = repo();
        let mut cache = Cache::open(dir.path());
        cache.put(WEEK, id(1), b"one".to_vec());
        cache.save();
        let file = cache_dir(&dir.path().join(".git")).join(shard_name(WEEK));
        let good = fs::read(&file).expect("cache file");
        for damaged in [
            good[..good.len() - 1].to_vec(),
            good.iter().enumerate().map(|(i, b)| if i == 30 { b ^ 1 } else { *b }).collect(),
            b"garbage".to_vec(),
            Vec::new(),
        ] {
            fs::write(&file, &damaged).expect("write");
            assert!(Cache::open(dir.path()).get(WEEK, &id(1)).is_none());
        }
        // Another version's file, whole: ignored too.
        let mut other = good.clone();
        other[MAGIC.len()] ^= 0xff;
        let n = other.len() - SUM_LEN;
        let sum = checksum(&other[..n]);
        other[n..].copy_from_slice(&sum);
        fs::write(&file, &other).expect("write");
        let mut cache = Cache::open(dir.path());
        assert!(cache.get(WEEK, &id(1)).is_none());
        cache.put(WEEK, id(2), b"two".to_vec());
        cache.save();
        assert_eq!(Cache::open(dir.path()).get(WEEK, &id(2)).as_deref(), Some(&b"two"[..]));
    }

    #[test]
    fn a_whole_file_claiming_billions_of_values_is_a_miss_without_allocating_them() {
        // The checksum vouches for the bytes, not for the counts: a count larger than the bytes
        // left could hold must neither reserve room for it nor be believed.
        for counts in [[u32::MAX, 0], [0, u32::MAX]] {
            let mut body = header();
            body.extend(counts[0].to_le_bytes());
            body.extend(counts[1].to_le_bytes());
            let sum = checksum(&body);
            body.extend(sum);
            assert!(decode(body).is_none());
        }
    }

    #[test]
    fn stat_data_vouches_only_when_unchanged_and_not_racy() {
        let dir = repo();
        let mut cache = Cache::open(dir.path());
        // mtime, its ns, ctime, its ns, size, inode, owner, group.
        let stat = |mtime: i64, ctime: i64, size: i64| Stat([mtime, 5, ctime, 7, size, 42, 1000, 1000]);
        let at = 1_000_000;
        cache.saw(WEEK, "a.md", stat(at - 3600, at - 3600, 10), at, id(1));
        assert_eq!(cache.vouched(WEEK, "a.md", &stat(at - 3600, at - 3600, 10)), Some(id(1)));
        assert_eq!(cache.vouched(WEEK, "a.md", &stat(at - 3600, at - 3600, 11)), None, "size");
        assert_eq!(cache.vouched(WEEK, "a.md", &stat(at - 3600, at - 3599, 10)), None, "ctime");
        assert_eq!(cache.vouched(WEEK, "b.md", &stat(at - 3600, at - 3600, 10)), None, "never seen");
        // Modified in the two seconds before the look: racy, by its mtime or by its ctime (an
        // mtime put back an hour does not hide a write).
        cache.saw(WEEK, "racy.md", stat(at - 1, at - 1, 10), at, id(2));
        assert_eq!(cache.vouched(WEEK, "racy.md", &stat(at - 1, at - 1, 10)), None);
        cache.saw(WEEK, "put-back.md", stat(at - 3600, at - 1, 10), at, id(3));
        assert_eq!(cache.vouched(WEEK, "put-back.md", &stat(at - 3600, at - 1, 10)), None);
        cache.saw(WEEK, "old.md", stat(at - 2, at - 2, 10), at, id(4));
        assert_eq!(cache.vouched(WEEK, "old.md", &stat(at - 2, at - 2, 10)), Some(id(4)));
    }

    #[test]
    fn the_bound_keeps_what_this_run_used() {
        let mut shard = Shard::default();
        for n in 0..10 {
            shard.values.insert(id(n), Value::new(vec![n; SHARD_SLACK_BYTES / 4]));
        }
        shard.used = [id(7), id(8)].into();
        let kept = decode(encode(&shard)).expect("decodes").values;
        // The two used, and unused ones while under twice their size (or the slack).
        assert_eq!(kept.len(), 4, "{}", kept.len());
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
                    cache.put(WEEK, id(n), vec![n; 10_000]);
                    cache.save();
                });
            }
        });
        let mut cache = Cache::open(dir.path());
        assert!((0..8).any(|n| cache.get(WEEK, &id(n)).is_some()), "one of the saves is there, whole");
        let left: Vec<_> =
            fs::read_dir(cache_dir(&dir.path().join(".git"))).expect("dir").flatten().collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }

    #[test]
    fn outside_a_repository_or_disabled_nothing_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cache = Cache::open(dir.path());
        cache.put(WEEK, id(1), b"one".to_vec());
        cache.save();
        assert!(Cache::open(dir.path()).get(WEEK, &id(1)).is_none());
        assert!(!dir.path().join(".git").exists());
        let repo = repo();
        let mut off = Cache::disabled();
        off.put(WEEK, id(1), b"one".to_vec());
        off.save();
        assert!(!repo.path().join(".git/watchbill").exists());
    }
}
