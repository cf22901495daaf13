//! Writing a whole history at once (an import).

use super::*;

/// One commit of a history written by [`write_history`]: new files, who wrote them and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryCommit {
    pub message: String,
    pub author: String,
    pub email: String,
    pub time: chrono::DateTime<chrono::FixedOffset>,
    /// Paths relative to the root, `/`-separated; each path is new and appears in one commit only.
    pub files: Vec<(String, Vec<u8>)>,
}

/// What [`write_history`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryOutcome {
    pub branch: String,
    pub head: String,
    pub commits: usize,
    pub files: usize,
}

/// Writes a whole history of new files (the large example) on the checked-out branch: every
/// commit is built in memory and the lot is written as one pack, the way `git fast-import`
/// does, instead of one loose object per file and one [`apply`] per commit (seconds instead of
/// many minutes for ten years of a large organisation). The branch then moves by
/// compare-and-swap, and the files are written to the working tree and staged.
///
/// Refused when the folder already holds any of the names watchbill reads: the history only adds
/// files, it never replaces one. `progress` hears each step's name, how much is done, and of what.
pub fn write_history(
    root: &Path,
    commits: &[HistoryCommit],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<HistoryOutcome> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let target = checked_out_branch(&repo)?;
    for c in commits {
        if let Some((path, why)) = c.files.iter().find_map(|(p, _)| path_problem(p).map(|why| (p, why))) {
            return Err(Error::refused(format!("refusing to write {path:?}: {why}"))
                .help("this is a bug in watchbill; please report it"));
        }
    }
    refuse_existing_records(&repo, root, &prefix)?;
    let tip = read_tip(&repo, &target)?;
    let head = pack_history(&repo, &prefix, &tip, commits, progress)?;
    let _lock = IndexLock::acquire(repo.path())?;
    if !move_branch(&repo, &target, &tip, head, "commit: watchbill example history")? {
        return Err(Error::conflict(format!(
            "the branch {} moved while the history was written",
            target.short
        ))
        .help("nothing was changed; run the command again"));
    }
    let files: Vec<&(String, Vec<u8>)> = commits.iter().flat_map(|c| &c.files).collect();
    check_out_new_files(&repo, root, &prefix, &files, progress).map_err(|e| {
        e.context(format!("committed the history on {}, but could not write the working tree", target.short))
            .help(format!(
            "bring the files in line with the commit: git restore --staged --worktree --source=HEAD -- {}",
            if prefix.is_empty() { "." } else { &prefix }
        ))
    })?;
    Ok(HistoryOutcome {
        branch: target.short,
        head: head.to_string(),
        commits: commits.len(),
        files: files.len(),
    })
}

/// Refuses a root that already holds (on disk or at HEAD) any name watchbill reads.
pub(super) fn refuse_existing_records(repo: &Repository, root: &Path, prefix: &str) -> Result<()> {
    refuse_records_on_disk(root)?;
    let head = head_tree(repo)?;
    match KNOWN_TOP
        .iter()
        .find(|t| head.as_ref().is_some_and(|h| h.get_path(Path::new(&in_repo(prefix, t))).is_ok()))
    {
        Some(top) => Err(Error::refused(format!("{top} is already committed in {}", root.display()))
            .help("generate the example in a new or empty folder")),
        None => Ok(()),
    }
}

/// Writes every commit into an in-memory object store, then all of it as one pack; returns the
/// last commit. Nothing is visible until the caller moves the branch.
pub(super) fn pack_history(
    repo: &Repository,
    prefix: &str,
    tip: &Tip,
    commits: &[HistoryCommit],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Oid> {
    let odb = repo.odb().map_err(git_error("cannot open git's object database"))?;
    // Above every other backend, so new objects go to memory rather than to loose files.
    let mempack = odb.add_new_mempack_backend(1000).map_err(git_error("cannot store objects in memory"))?;
    let mut parent = tip
        .parent
        .map(|p| repo.find_commit(p))
        .transpose()
        .map_err(|e| missing_object("the branch tip", &e))?;
    for (i, c) in commits.iter().enumerate() {
        progress("committing", i, commits.len());
        let base = match &parent {
            Some(p) => p.tree().map_err(|e| missing_object("the branch tip's tree", &e))?,
            None => empty_tree(repo)?,
        };
        let mut update = TreeUpdateBuilder::new();
        for (path, bytes) in &c.files {
            let blob = repo.blob(bytes).map_err(git_error(format!("cannot store {path} in git")))?;
            update.upsert(in_repo(prefix, path), blob, FileMode::Blob);
        }
        let tree_id =
            update.create_updated(repo, &base).map_err(git_error("cannot build a commit's tree"))?;
        let tree = repo.find_tree(tree_id).map_err(git_error("cannot read a new tree"))?;
        let seconds = c.time.timestamp();
        let offset = c.time.offset().local_minus_utc() / 60;
        let who = signature(&Ident {
            name: c.author.clone(),
            email: c.email.clone(),
            seconds,
            offset_minutes: offset,
        })?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = repo
            .commit(None, &who, &who, &commit_message(&c.message)?, &tree, &parents)
            .map_err(git_error("cannot write a commit"))?;
        parent = Some(repo.find_commit(id).map_err(git_error("cannot read a new commit"))?);
    }
    let head = parent.map(|p| p.id()).ok_or_else(|| {
        Error::refused("the history has no commit").help("this is a bug in watchbill; please report it")
    })?;
    progress("packing", 0, 0);
    let pack = pack_new_objects(repo, tip, head).map_err(git_error("cannot pack the new objects"))?;
    let mut writer = odb.packwriter().map_err(git_error("cannot write a pack"))?;
    writer.write_all(&pack).map_err(|e| write_error(&repo.path().join("objects/pack"), e))?;
    writer.commit().map_err(git_error("cannot index the new pack"))?;
    mempack.reset().map_err(git_error("cannot free the objects in memory"))?;
    odb.refresh().map_err(git_error("cannot read the new pack"))?;
    Ok(head)
}

/// A pack of the objects reachable from `head` and not from the old tip, its delta search spread
/// over every core (the mempack's own dump uses one).
pub(super) fn pack_new_objects(
    repo: &Repository,
    tip: &Tip,
    head: Oid,
) -> std::result::Result<git2::Buf, git2::Error> {
    let mut builder = repo.packbuilder()?;
    builder.set_threads(0);
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    if let Some(old) = tip.parent {
        walk.hide(old)?;
    }
    builder.insert_walk(&mut walk)?;
    let mut pack = git2::Buf::new();
    builder.write_buf(&mut pack)?;
    Ok(pack)
}

/// Writes new files into the working tree and stages them. The caller holds the [`IndexLock`]
/// and has checked that none of them existed.
pub(super) fn check_out_new_files(
    repo: &Repository,
    root: &Path,
    prefix: &str,
    files: &[&(String, Vec<u8>)],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<()> {
    write_files(root, files, progress)?;
    progress("staging", 0, 0);
    let mut index = repo.index().map_err(git_error("cannot open git's index"))?;
    index.read(true).map_err(git_error("cannot read git's index"))?;
    let tops: Vec<String> =
        KNOWN_TOP.iter().filter(|t| root.join(t).exists()).map(|t| in_repo(prefix, t)).collect();
    // FORCE: the files are ours even where a .gitignore pattern would match them.
    index
        .add_all(tops.iter(), git2::IndexAddOption::FORCE, None)
        .map_err(git_error("cannot stage the new files"))?;
    write_index(&mut index, repo.path())
}

/// Writes many new files without committing them (`init --example --years N --no-commit`).
/// Refused when the folder already holds any of the names watchbill reads.
pub fn write_new_files(
    root: &Path,
    files: &[&(String, Vec<u8>)],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<()> {
    refuse_records_on_disk(root)?;
    write_files(root, files, progress)
}

/// Refuses a folder that holds any of the names watchbill reads, before anything is written.
pub fn refuse_records_on_disk(root: &Path) -> Result<()> {
    match KNOWN_TOP.iter().find(|t| fs::symlink_metadata(root.join(t)).is_ok()) {
        Some(top) => Err(Error::refused(format!("{} already holds {top}", root.display()))
            .help("generate the example in a new or empty folder")),
        None => Ok(()),
    }
}

/// Plain writes, each folder made once: unlike [`write_atomic`], no temporary file and no sync
/// per file, which would cost minutes for tens of thousands of new files nobody reads yet.
pub(super) fn write_files(
    root: &Path,
    files: &[&(String, Vec<u8>)],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<()> {
    let mut made = std::collections::HashSet::new();
    for (i, (path, bytes)) in files.iter().enumerate() {
        if let Some(why) = path_problem(path) {
            return Err(Error::refused(format!("refusing to write {path:?}: {why}"))
                .help("this is a bug in watchbill; please report it"));
        }
        if i % 256 == 0 {
            progress("writing files", i, files.len());
        }
        let full = on_disk(root, path);
        if let Some(dir) = full.parent().filter(|d| !made.contains(*d)) {
            fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
            made.insert(dir.to_path_buf());
        }
        fs::write(&full, bytes).map_err(|e| write_error(&full, e))?;
    }
    Ok(())
}
