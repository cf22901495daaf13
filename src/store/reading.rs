//! Reading the crew's files: where the root is, and the files a load needs, from the working tree or a revision.

use super::*;

/// Finds the watchbill root: `start` or the nearest parent folder holding `watchbill.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let abs = fs::canonicalize(start).map_err(|e| {
        Error::usage(format!("cannot open {}: {e}", start.display()))
            .help("check the folder (given with -C, or the current one)")
    })?;
    // A symlinked watchbill.toml still marks the root, so `check` can say why it is not read.
    abs.ancestors()
        .find(|dir| fs::symlink_metadata(dir.join(settings::FILE)).is_ok())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Error::usage(format!("no watchbill.toml in {} or any parent folder", abs.display()))
                .help("run `watchbill init` to create one, or pass -C DIR")
        })
}

/// Whether a read uses the cache of parsed documents kept under `.git/watchbill/`: a parameter
/// of each read, as [`Verify`] is of each write, never a setting of the process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CacheUse {
    /// Take from the cache what it has for each file's blob, and keep what was parsed.
    #[default]
    Use,
    /// Read and parse every file afresh and keep nothing (`--no-cache`, `WATCHBILL_NO_CACHE=1`).
    Skip,
}

/// What a reader took from the cache and what it read, for `WATCHBILL_CACHE_TRACE`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Files returned.
    pub files: usize,
    /// Of those, the working tree's whose blob the cache's stat records gave, unread.
    pub by_stat: usize,
    /// Files whose parse came from the cache (by stat, by a revision's tree, or hashed).
    pub hits: usize,
}

/// Reads the files a load needs (see [`Needs::wants`]) under `root`, from the working tree or a
/// revision. Paths are relative to `root`, `/`-separated.
pub fn read_files(root: &Path, rev: &Revision, needs: Needs, cache: CacheUse) -> Result<Vec<RawFile>> {
    Reader::open(root, rev, cache)?.read(needs)
}

/// What a read of the working tree left out, as warnings: symbolic links (never followed, so
/// nothing outside the root is read, `templates/` included) and what is not a regular file (a
/// FIFO would block a read).
pub(super) fn skipped_warnings(root: &Path, mut skipped: Vec<(String, Skip)>) -> Vec<Diagnostic> {
    skipped.extend(template_links(root).into_iter().map(|p| (p, Skip::Symlink)));
    skipped.sort();
    skipped.dedup();
    skipped
        .into_iter()
        .map(|(path, why)| match why {
            Skip::Symlink => Diagnostic::warning("symlink", path, "symbolic links are not followed")
                .help("replace the link with the file itself: watchbill never reads outside its folder"),
            Skip::NotAFile => Diagnostic::warning(
                "unexpected-file",
                path,
                "watchbill does not know this file: it is not a regular file (a pipe, socket or device)",
            )
            .help("remove it: records are plain files"),
        })
        .collect()
}

/// Reads files from the working tree or a revision, each file at most once, so a command can
/// read the settings and the crew, then the weeks they show it needs, then more weeks if it must.
pub struct Reader {
    root: PathBuf,
    /// Parsed documents kept between runs, by blob id (`--no-cache`: a cache that keeps nothing).
    cache: Cache,
    /// The repository and the root's tree in the revision; `None` for the working tree.
    revision: Option<(Repository, Oid)>,
    read: std::collections::HashSet<String>,
    /// The folders of the working tree an earlier walk took whole, so every file in them is in
    /// `read`: a later walk does not list them again (a reader reads one state of the tree, as
    /// `read` already assumes).
    whole: std::collections::HashSet<String>,
    /// What the walks of the working tree left out (links, pipes), to warn about.
    skipped: Vec<(String, Skip)>,
    counts: CacheCounts,
}

/// Below this many files a read stays on one thread: threads (and, for a revision, a repository
/// opened by each) would cost more than they save.
pub(super) const FILES_PER_THREAD: usize = 256;

impl Reader {
    pub fn open(root: &Path, rev: &Revision, cache: CacheUse) -> Result<Reader> {
        let revision = match rev {
            Revision::WorkTree => None,
            Revision::Rev(r) => {
                // Read objects as git does: their hashes are checked by `git fsck`, not at every
                // read (a third of the time of reading a large history), and a damaged object
                // still fails to inflate.
                git2::opts::strict_hash_verification(false);
                let repo = open_repo(root, READ_NOT_A_REPO_HELP)?;
                let prefix = prefix_in(&repo, root)?;
                let sub = {
                    let tree = revision_tree(&repo, r)?;
                    root_tree(&repo, &tree, &prefix, r)?.id()
                };
                Some((repo, sub))
            }
        };
        let cache = match cache {
            CacheUse::Use => Cache::open(root),
            CacheUse::Skip => Cache::disabled(),
        };
        Ok(Reader {
            root: root.to_path_buf(),
            cache,
            revision,
            read: Default::default(),
            whole: Default::default(),
            skipped: Vec::new(),
            counts: CacheCounts::default(),
        })
    }

    /// The files `needs` wants that this reader has not returned yet, sorted by path.
    pub fn read(&mut self, needs: Needs) -> Result<Vec<RawFile>> {
        self.read_where(&|path| needs.wants(path))
    }

    /// The files at `paths` (those there are) that this reader has not returned yet.
    pub fn read_paths(&mut self, paths: &std::collections::BTreeSet<String>) -> Result<Vec<RawFile>> {
        // Asked of folders too: a folder is wanted when a path lies under it.
        self.read_where(&|p| {
            paths.contains(p)
                || paths.range(format!("{p}/")..).next().is_some_and(|q| q.starts_with(&format!("{p}/")))
        })
    }

    /// The files `wanted` accepts (it is asked of folders too, to skip them whole) that this
    /// reader has not returned yet, sorted by path.
    pub(super) fn read_where(&mut self, wanted: &Keep) -> Result<Vec<RawFile>> {
        let mut files = match &self.revision {
            None => {
                let whole = &self.whole;
                let listing = list_worktree(&self.root, &|p| !whole.contains(p) && wanted(p))?;
                self.skipped.extend(listing.skipped);
                self.whole.extend(listing.whole);
                let paths: Vec<(String, PathBuf)> =
                    listing.files.into_iter().filter(|(p, _)| !self.read.contains(p)).collect();
                let mut files = self.read_worktree_cached(paths)?;
                // A sparse checkout leaves files out of the working tree: they are read from
                // git's index, as HEAD checked them out.
                if let Some((repo, mut blobs)) = skipped_files(&self.root, wanted)? {
                    blobs.retain(|(path, _)| !self.read.contains(path));
                    files.extend(read_blobs(&repo, &self.root, blobs)?);
                }
                files
            }
            Some((repo, tree)) => {
                let mut blobs = Vec::new();
                let tree = repo.find_tree(*tree).map_err(|e| missing_object("the root's tree", &e))?;
                for top in KNOWN_TOP.iter().filter(|t| wanted(t)) {
                    if let Some(entry) = tree.get_name(top) {
                        list_blobs(repo, entry.id(), entry.filemode(), top.to_string(), wanted, &mut blobs)?;
                    }
                }
                blobs.retain(|(path, _)| !self.read.contains(path));
                self.cache.load(blobs.iter().map(|(path, _)| folder_of(path)));
                let (mut hits, misses) = cached_blobs(&mut self.cache, blobs);
                self.counts.hits += hits.len();
                let read =
                    read_blobs(repo, &self.root, misses.iter().map(|(p, id)| (p.clone(), *id)).collect())?;
                let ids = misses.into_iter().map(|(_, id)| Some(id));
                hits.extend(fill(&mut self.cache, read.into_iter().zip(ids).collect()));
                hits
            }
        };
        self.cache.save();
        self.counts.files += files.len();
        self.read.extend(files.iter().map(|f| f.path.clone()));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// What the reads so far took from the cache.
    pub fn counts(&self) -> CacheCounts {
        self.counts
    }

    /// Warnings about what the reads of the working tree left out: symbolic links (never
    /// followed) and what is not a regular file, under the names read and in `templates/`.
    pub fn skipped(&self) -> Vec<Diagnostic> {
        match self.revision {
            None => skipped_warnings(&self.root, self.skipped.clone()),
            Some(_) => Vec::new(),
        }
    }
}

impl Reader {
    /// Reads files of the working tree, taking from the cache those whose blob is known without
    /// reading them (their stat data is the one recorded with that blob, and they are not racy)
    /// and kept; the others are read and hashed, then taken from the cache if kept under that
    /// blob (a file checked out again, another branch's version), else parsed and kept.
    fn read_worktree_cached(&mut self, paths: Vec<(String, PathBuf)>) -> Result<Vec<RawFile>> {
        if !self.cache.is_enabled() {
            return read_worktree_files(paths);
        }
        // Taken before any stat data: a file modified since is racy (see `Cache::vouched`).
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut files = Vec::with_capacity(paths.len());
        let mut unread = Vec::new();
        // The stat data on every core: at ten years, 40,000 calls into the kernel.
        let stats = crate::parallel::each(
            paths,
            FILES_PER_THREAD,
            |_| 1,
            |(path, full)| {
                let stat = fs::symlink_metadata(&full).ok().and_then(|m| Stat::of(&m));
                (path, full, stat)
            },
        );
        self.cache.load(stats.iter().map(|(path, _, _)| folder_of(path)));
        for (path, full, stat) in stats {
            let (folder, name) = split_path(&path);
            let vouched = stat.and_then(|s| self.cache.vouched(folder, name, &s));
            match vouched.and_then(|id| hit(&mut self.cache, &path, &id)) {
                Some(file) => {
                    self.counts.by_stat += 1;
                    self.counts.hits += 1;
                    files.push(file);
                }
                None => unread.push((path, full, stat)),
            }
        }
        let read = read_worktree_files(unread.iter().map(|(p, f, _)| (p.clone(), f.clone())).collect())?;
        let stats: Vec<Option<Stat>> = unread.into_iter().map(|(_, _, stat)| stat).collect();
        let hashed = crate::parallel::each(
            read.into_iter().zip(stats).collect(),
            FILES_PER_THREAD,
            |(f, _)| f.bytes.len(),
            |(f, stat)| (hashed_blob_id(&f.bytes), stat, f),
        );
        let mut missed = Vec::new();
        for (id, stat, file) in hashed {
            let (folder, name) = split_path(&file.path);
            if let (Some(id), Some(stat)) = (id, stat) {
                self.cache.saw(folder, name, stat, now, id);
            }
            match id.and_then(|id| hit(&mut self.cache, &file.path, &id)) {
                Some(kept) => {
                    self.counts.hits += 1;
                    files.push(kept);
                }
                None => missed.push((file, id)),
            }
        }
        files.extend(fill(&mut self.cache, missed));
        Ok(files)
    }
}

/// Set to anything but `0` to read without the cache, as `--no-cache` does (read by the CLI).
pub const NO_CACHE_ENV: &str = "WATCHBILL_NO_CACHE";

/// The folder a file's cached value is kept under (`logbook/2026-W48` for an entry of that
/// week) and its name in it.
fn split_path(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

fn folder_of(path: &str) -> &str {
    split_path(path).0
}

/// A cached value: where the TOML lies in the text, its tree, then the file's bytes.
fn cached_value(path: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let text = crate::parse::decode(path, bytes.to_vec()).ok()?;
    let (start, end) = crate::documents::toml_range(path, &text)?;
    let tree = crate::documents::encode(text.get(start..end)?)?;
    let mut value = Vec::with_capacity(12 + tree.len() + bytes.len());
    for n in [start, end, tree.len()] {
        value.extend(u32::try_from(n).ok()?.to_le_bytes());
    }
    value.extend(tree);
    value.extend(bytes);
    Some(value)
}

/// The file at `path` from the cache, its document handed to the parser; `None` on a miss or a
/// value that does not read back (then the file is read and parsed). The document's text and
/// tree are slices of the cache file, not copies; the file's bytes are copied once, into the
/// model's text.
fn hit(cache: &mut Cache, path: &str, id: &Oid) -> Option<RawFile> {
    let value = cache.get(folder_of(path), id)?;
    let word = |i: usize| Some(u32::from_le_bytes(value.get(4 * i..4 * i + 4)?.try_into().ok()?) as usize);
    let (start, end, tree_len) = (word(0)?, word(1)?, word(2)?);
    let tree = value.slice(12..12 + tree_len)?;
    let file = value.slice(12 + tree_len..value.len())?;
    let bytes = file.to_vec();
    // The text as `parse::decode` gives it: without a byte-order mark. Whether it is UTF-8 is
    // the model's to say; the tree is used only for a text equal to this.
    let bom = if bytes.starts_with("\u{feff}".as_bytes()) { 3 } else { 0 };
    let text = file.slice(bom..file.len())?;
    crate::documents::remember(text.into_parts(), (start, end), tree.into_parts());
    Some(RawFile { path: path.to_string(), bytes })
}

/// The files read because the cache did not have them, each kept for next time under its blob
/// id (a file that does not parse is not kept: it is parsed each time, so its problems are
/// reported as a fresh parse reports them). The trees are made on every core.
fn fill(cache: &mut Cache, files: Vec<(RawFile, Option<Oid>)>) -> Vec<RawFile> {
    let valued = crate::parallel::each(
        files,
        FILES_PER_THREAD,
        |(f, _)| f.bytes.len(),
        |(f, id)| {
            let value = id.and_then(|_| cached_value(&f.path, &f.bytes));
            (f, id, value)
        },
    );
    let mut out = Vec::new();
    for (file, id, value) in valued {
        if let (Some(id), Some(value)) = (id, value) {
            // Handed to the parser too: the tree is made, so this run need not parse the text.
            if let Some(kept) = {
                cache.put(folder_of(&file.path), id, value);
                hit(cache, &file.path, &id)
            } {
                out.push(kept);
                continue;
            }
        }
        out.push(file);
    }
    out
}

/// The blobs of a revision the cache has, read from it, and those it has not.
fn cached_blobs(cache: &mut Cache, blobs: Vec<(String, Oid)>) -> (Vec<RawFile>, Vec<(String, Oid)>) {
    let mut hits = Vec::new();
    let mut misses = Vec::new();
    for (path, id) in blobs {
        match hit(cache, &path, &id) {
            Some(file) => hits.push(file),
            None => misses.push((path, id)),
        }
    }
    (hits, misses)
}

/// Reads files of the working tree, on every core when there are many.
pub(super) fn read_worktree_files(paths: Vec<(String, PathBuf)>) -> Result<Vec<RawFile>> {
    let read = crate::parallel::each(
        paths,
        FILES_PER_THREAD,
        |_| 1,
        |(path, full)| {
            let bytes = fs::read(&full).map_err(|e| read_error(&full, e))?;
            Ok(RawFile { path, bytes })
        },
    );
    read.into_iter().collect()
}
