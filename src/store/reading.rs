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

/// Reads the files a load needs (see [`Needs::wants`]) under `root`, from the working tree or a
/// revision. Paths are relative to `root`, `/`-separated.
pub fn read_files(root: &Path, rev: &Revision, needs: Needs) -> Result<Vec<RawFile>> {
    Reader::open(root, rev)?.read(needs)
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
    /// The repository and the root's tree in the revision; `None` for the working tree.
    revision: Option<(Repository, Oid)>,
    read: std::collections::HashSet<String>,
    /// What the walks of the working tree left out (links, pipes), to warn about.
    skipped: Vec<(String, Skip)>,
}

/// Below this many files a read stays on one thread: threads (and, for a revision, a repository
/// opened by each) would cost more than they save.
pub(super) const FILES_PER_THREAD: usize = 256;

impl Reader {
    pub fn open(root: &Path, rev: &Revision) -> Result<Reader> {
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
        Ok(Reader { root: root.to_path_buf(), revision, read: Default::default(), skipped: Vec::new() })
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
    pub(super) fn read_where(&mut self, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<RawFile>> {
        let mut files = match &self.revision {
            None => {
                let listing = list_worktree(&self.root, wanted)?;
                self.skipped.extend(listing.skipped);
                let paths: Vec<(String, PathBuf)> =
                    listing.files.into_iter().filter(|(p, _)| !self.read.contains(p)).collect();
                let mut files = read_worktree_files(paths)?;
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
                read_blobs(repo, &self.root, blobs)?
            }
        };
        self.read.extend(files.iter().map(|f| f.path.clone()));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
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

/// Reads files of the working tree, on every core when there are many.
pub(super) fn read_worktree_files(paths: Vec<(String, PathBuf)>) -> Result<Vec<RawFile>> {
    let runs = crate::parallel::by_runs(
        paths,
        FILES_PER_THREAD,
        |_| 1,
        |run| {
            run.into_iter()
                .map(|(path, full)| {
                    let bytes = fs::read(&full).map_err(|e| read_error(&full, e))?;
                    Ok(RawFile { path, bytes })
                })
                .collect::<Result<Vec<RawFile>>>()
        },
    );
    runs.into_iter().collect::<Result<Vec<Vec<RawFile>>>>().map(|r| r.concat())
}
