//! Committing: building the commit from the branch tip and moving the branch by compare-and-swap.

use super::*;

/// The branch a commit goes on.
pub(super) struct Target {
    pub(super) refname: String,
    pub(super) short: String,
    /// Whether it is the checked-out branch (a missing one is then unborn, not to be created
    /// from HEAD).
    pub(super) checked_out: bool,
}

/// The branch as read before an attempt: its value (for the compare-and-swap) and the commit
/// the new one builds on.
pub(super) struct Tip {
    pub(super) current: Option<Oid>,
    pub(super) parent: Option<Oid>,
}

/// What git's configuration asks of every commit: a signature, and the hooks.
pub(super) struct Policy {
    pub(super) signer: Option<Signer>,
    pub(super) hooks: Hooks,
}

pub(super) fn policy(repo: &Repository, verify: Verify) -> Result<Policy> {
    let config = GitConfig::open(Some(repo))?;
    Ok(Policy { signer: signer(&config)?, hooks: hooks(repo, &config, verify) })
}

pub(super) fn commit_checked_out(
    root: &Path,
    set: &ChangeSet,
    paths: Vec<String>,
    verify: Verify,
) -> Result<Outcome> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let target = checked_out_branch(&repo)?;
    for c in &set.changes {
        refuse_links(root, &c.path)?;
        if let Some(from) = c.base.moved_from() {
            refuse_links(root, from)?;
        }
    }
    // Held from the check of the working tree to its update: another watchbill in this checkout
    // must never see our commit made but our files not yet written (it would take them for the
    // user's uncommitted edits).
    let _lock = IndexLock::acquire(repo.path())?;
    // git's own lock, from before the index takes our files until the working tree holds them:
    // a `git commit` racing us would otherwise commit its index without them, deleting our
    // records (see `Prepared`).
    let git_lock = GitIndexLock::acquire(repo.path())?;
    finish_pending(&repo, &git_lock)?;
    // git's index as it is under the lock, read once (5 MB at ten years): the clean filter's
    // attribute lookups, the check for uncommitted work and the new index all use it.
    let index = git_lock.index(&repo)?;
    // From here on, contents and bases are as git stores them (line ends normalised).
    let set = &cleaned_set(&repo, &prefix, set)?;
    refuse_uncommitted(&repo, &index, root, &prefix, &set.changes)?;
    let who = signatures(&repo)?;
    let policy = policy(&repo, verify)?;
    write_atomic(repo.path(), PENDING, pending_journal(&prefix, &set.changes)?.as_bytes())?;
    // Everything but renames is done before the branch moves (see `Prepared`); after the
    // journal, which names the folders where a killed writer's temporary files are swept.
    let committed =
        prepare_checkout(&repo, &git_lock, index, root, &prefix, &set.changes).and_then(|prepared| {
            // git's index holds our files from here until the working tree does (see `Prepared`),
            // and is put back if nothing lands.
            prepared.stage()?;
            match commit_with_retry(&repo, &target, &prefix, set, &who, &policy) {
                Ok(Some(commit)) => Ok((Some(commit), prepared)),
                other => {
                    prepared.unstage()?;
                    Ok((other?, prepared))
                }
            }
        });
    if committed.is_err() {
        // Nothing landed: the journal has nothing to finish.
        let _ = clear_pending(&repo);
    }
    let (Some(commit), prepared) = committed? else {
        clear_pending(&repo)?;
        return Ok(written(paths));
    };
    prepared.finish(&repo, root, &prefix, &set.changes).map_err(|e| {
        let id = commit.to_string();
        let restore = format!("git restore --staged --worktree --source=HEAD -- {}", paths.join(" "));
        e.context(format!(
            "committed {} on {}, but could not update the working tree",
            &id[..10],
            target.short
        ))
        .help(format!("the next watchbill command that writes finishes it; or run: {restore}"))
    })?;
    clear_pending(&repo)?;
    drop(git_lock);
    // After the locks: a post-commit hook may run git (or watchbill) in this checkout.
    drop(_lock);
    policy.hooks.after_commit();
    Ok(Outcome { commit: Some(commit.to_string()), branch: Some(target.short), paths })
}

pub(super) fn commit_on_branch(
    root: &Path,
    set: &ChangeSet,
    name: &str,
    paths: Vec<String>,
    verify: Verify,
) -> Result<Outcome> {
    if !git2::Branch::name_is_valid(name).unwrap_or(false) {
        return Err(Error::usage(format!("{name:?} is not a valid branch name"))
            .help("branch names cannot contain spaces, `..`, `~`, `^`, `:` or end in `.lock` (see `git check-ref-format --branch`)"));
    }
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    let prefix = prefix_in(&repo, root)?;
    let refname = format!("refs/heads/{name}");
    if head_branch(&repo).as_deref() == Some(refname.as_str()) {
        drop(repo);
        return commit_checked_out(root, set, paths, verify);
    }
    let target = Target { refname, short: name.to_string(), checked_out: false };
    let set = &cleaned_set(&repo, &prefix, set)?;
    let who = signatures(&repo)?;
    let policy = policy(&repo, verify)?;
    let commit = commit_with_retry(&repo, &target, &prefix, set, &who, &policy)?;
    if commit.is_some() {
        policy.hooks.after_commit();
    }
    Ok(Outcome { commit: commit.map(|c| c.to_string()), branch: commit.map(|_| target.short), paths })
}

/// The full name of the branch HEAD points to, if it points to one.
pub(super) fn head_branch(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let name = head.symbolic_target().ok().flatten()?;
    name.starts_with("refs/heads/").then(|| name.to_string())
}

pub(super) fn checked_out_branch(repo: &Repository) -> Result<Target> {
    let refname = head_branch(repo).ok_or_else(|| detached(repo))?;
    let short = refname.trim_start_matches("refs/heads/").to_string();
    Ok(Target { refname, short, checked_out: true })
}

/// Why there is no branch to commit on, and the fix that fits the repository's state: in the
/// middle of a rebase, `git switch` would be wrong advice.
pub(super) fn detached(repo: &Repository) -> Error {
    use git2::RepositoryState::{
        ApplyMailbox, ApplyMailboxOrRebase, Bisect, Rebase, RebaseInteractive, RebaseMerge,
    };
    match repo.state() {
        Rebase | RebaseInteractive | RebaseMerge | ApplyMailboxOrRebase => {
            Error::usage("a rebase is in progress (HEAD is not on a branch)").help(
                "nothing was written; finish the rebase (`git rebase --continue`) or abort it (`git rebase --abort`), then run the command again",
            )
        }
        ApplyMailbox => Error::usage("`git am` is in progress (HEAD is not on a branch)")
            .help("nothing was written; finish it (`git am --continue`) or abort it (`git am --abort`)"),
        Bisect => Error::usage("a bisect is in progress (HEAD is detached)")
            .help("nothing was written; end it with `git bisect reset`, then run the command again"),
        _ => Error::usage("HEAD is detached (not on a branch)")
            .help("nothing was written; check out a branch first (`git switch <branch>`, or `git switch -c <new-branch>`)"),
    }
}

/// Refuses to commit over uncommitted work: the bases were read from the working tree, so a
/// file that differs from HEAD (on disk or staged) would sweep the user's edits into our commit.
/// `index` is git's, as read under its lock.
pub(super) fn refuse_uncommitted(
    repo: &Repository,
    index: &git2::Index,
    root: &Path,
    prefix: &str,
    changes: &[FileWrite],
) -> Result<()> {
    let head = head_tree(repo)?;
    // Each path the set changes, and whether it had a base (a moved file's old place had one).
    let paths = changes.iter().flat_map(|c| {
        let written = (c.path.as_str(), matches!(c.base, Base::Bytes(_)));
        std::iter::once(written).chain(c.base.moved_from().map(|from| (from, true)))
    });
    for (path, had_base) in paths {
        let repo_path = in_repo(prefix, path);
        let committed = entry_at(repo, head.as_ref(), &repo_path)?;
        let full = on_disk(root, path);
        let disk = match fs::read(&full) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(read_error(&full, e)),
        };
        let staged = index.get_path(Path::new(&repo_path), 0).map(|e| e.id);
        let dirty = match (had_base, &committed) {
            (false, Entry::Missing) => disk.is_some() || staged.is_some(),
            (false, _) => false, // the base check reports it as a conflict
            (true, Entry::Blob(id, bytes)) => {
                // What `git status` compares: the file through git's clean filter.
                let disk = disk.map(|d| cleaned(repo, &repo_path, &d)).transpose()?;
                disk.as_ref() != Some(bytes) || staged != Some(*id)
            }
            (true, _) => disk.is_some() || staged.is_some(),
        };
        if dirty {
            return Err(Error::refused(format!("{path} has uncommitted changes"))
                .help("commit or stash them first (git stash), or pass --no-commit to only write the file"));
        }
    }
    Ok(())
}

pub(super) fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => head.peel_to_tree().map(Some).map_err(|e| missing_object("HEAD's tree", &e)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(git_error("cannot read HEAD")(e)),
    }
}

/// What a tree holds at a path.
pub(super) enum Entry {
    Missing,
    Blob(Oid, Vec<u8>),
    /// A folder, a link or a submodule.
    Other,
}

pub(super) fn entry_at(repo: &Repository, tree: Option<&Tree<'_>>, path: &str) -> Result<Entry> {
    let Some(tree) = tree else { return Ok(Entry::Missing) };
    let entry = match tree.get_path(Path::new(path)) {
        Ok(entry) => entry,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(Entry::Missing),
        Err(e) => return Err(git_error(format!("cannot read {path} from git"))(e)),
    };
    if !matches!(entry.filemode(), MODE_BLOB | MODE_BLOB_GROUP_WRITABLE | MODE_EXECUTABLE) {
        return Ok(Entry::Other);
    }
    let blob = repo.find_blob(entry.id()).map_err(|e| missing_object(path, &e))?;
    Ok(Entry::Blob(entry.id(), blob.content().to_vec()))
}

pub(super) const MAX_ATTEMPTS: u32 = 50;

/// Commits on the target branch, rebuilding on the new tip whenever another writer moved it
/// first. `None` when the change set changes nothing.
pub(super) fn commit_with_retry(
    repo: &Repository,
    target: &Target,
    prefix: &str,
    set: &ChangeSet,
    who: &Who,
    policy: &Policy,
) -> Result<Option<Oid>> {
    let mut jitter = Jitter::seeded();
    // Set by the hooks on the first attempt; a retry commits the same message.
    let mut message = None;
    for attempt in 0..MAX_ATTEMPTS {
        let tip = read_tip(repo, target)?;
        let Some(commit) = make_commit(repo, prefix, set, &tip, who, policy, &mut message)? else {
            return Ok(None);
        };
        if move_branch(repo, target, &tip, commit, &reflog_message(set, &tip))? {
            return Ok(Some(commit));
        }
        jitter.pause(attempt);
    }
    // git's lock on the branch, left by a git command that was killed, fails every attempt
    // alike; like index.lock, only a person can tell it from a running command.
    let lock = repo.path().join(format!("{}.lock", target.refname));
    if lock.exists() {
        return Err(Error::conflict(format!("git's lock on the branch {} is held ({})", target.short, lock.display()))
            .help(format!(
                "nothing was committed; a git command is running, or one was killed: if none is running, delete {}",
                lock.display()
            )));
    }
    Err(Error::conflict(format!(
        "the branch {} kept moving: {MAX_ATTEMPTS} attempts lost the race to other writers",
        target.short
    ))
    .help("nothing was committed; run the command again"))
}

pub(super) fn read_tip(repo: &Repository, target: &Target) -> Result<Tip> {
    match repo.refname_to_id(&target.refname) {
        Ok(oid) => Ok(Tip { current: Some(oid), parent: Some(oid) }),
        Err(e) if e.code() == ErrorCode::NotFound => {
            let parent = if target.checked_out { None } else { head_commit(repo)? };
            Ok(Tip { current: None, parent })
        }
        Err(e) => Err(git_error(format!("cannot read the branch {}", target.short))(e)),
    }
}

pub(super) fn head_commit(repo: &Repository) -> Result<Option<Oid>> {
    match repo.head() {
        Ok(head) => head.peel_to_commit().map(|c| Some(c.id())).map_err(|e| missing_object("HEAD", &e)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(git_error("cannot read HEAD")(e)),
    }
}

/// Writes the commit object (no ref moves yet); `None` when the tree would not change.
pub(super) fn make_commit(
    repo: &Repository,
    prefix: &str,
    set: &ChangeSet,
    tip: &Tip,
    who: &Who,
    policy: &Policy,
    message: &mut Option<String>,
) -> Result<Option<Oid>> {
    let parent = tip
        .parent
        .map(|p| repo.find_commit(p))
        .transpose()
        .map_err(|e| missing_object("the branch tip", &e))?;
    let base = match &parent {
        Some(c) => c.tree().map_err(|e| missing_object("the branch tip's tree", &e))?,
        None => empty_tree(repo)?,
    };
    check_bases(repo, &base, prefix, &set.changes)?;
    let mut update = TreeUpdateBuilder::new();
    for c in &set.changes {
        let blob = repo.blob(&c.contents).map_err(git_error(format!("cannot store {} in git", c.path)))?;
        update.upsert(in_repo(prefix, &c.path), blob, FileMode::Blob);
        if let Some(from) = c.base.moved_from() {
            update.remove(in_repo(prefix, from));
        }
    }
    let tree_id = update.create_updated(repo, &base).map_err(git_error("cannot build the commit's tree"))?;
    if parent.is_some() && tree_id == base.id() {
        return Ok(None);
    }
    let tree = repo.find_tree(tree_id).map_err(git_error("cannot read the new tree"))?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let message = match message {
        Some(m) => m.clone(),
        None => message
            .insert(commit_message(&policy.hooks.before_commit(&tree, &commit_message(&set.message)?)?)?)
            .clone(),
    };
    let Some(signer) = &policy.signer else {
        return repo
            .commit(None, &who.author, &who.committer, &message, &tree, &parents)
            .map(Some)
            .map_err(git_error("cannot write the commit"));
    };
    let buffer = repo
        .commit_create_buffer(&who.author, &who.committer, &message, &tree, &parents)
        .map_err(git_error("cannot build the commit"))?;
    let signature = signer.sign(repo.path(), &buffer, &who.committer)?;
    let content = std::str::from_utf8(&buffer)
        .map_err(|_| Error::usage("the commit is not UTF-8 text").help("check user.name and the message"))?;
    repo.commit_signed(content, &signature, None)
        .map(Some)
        .map_err(git_error("cannot write the signed commit"))
}

pub(super) fn empty_tree(repo: &Repository) -> Result<Tree<'_>> {
    let id =
        repo.treebuilder(None).and_then(|b| b.write()).map_err(git_error("cannot write an empty tree"))?;
    repo.find_tree(id).map_err(git_error("cannot read an empty tree"))
}

/// Checks each change against the tip it is about to build on: a file that changed since the
/// command read it must not be overwritten.
pub(super) fn check_bases(
    repo: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
    changes: &[FileWrite],
) -> Result<()> {
    for c in changes {
        let now = entry_at(repo, Some(tree), &in_repo(prefix, &c.path))?;
        let holds = |path: &str, want: &[u8]| -> Result<bool> {
            Ok(matches!(entry_at(repo, Some(tree), &in_repo(prefix, path))?, Entry::Blob(_, b) if b == want))
        };
        let unchanged = match (&c.base, &now) {
            (Base::Absent, Entry::Missing) => true,
            (Base::Bytes(b), Entry::Blob(_, bytes)) => b == bytes,
            (Base::Moved { from, bytes }, Entry::Missing) => holds(from, bytes)?,
            _ => false,
        };
        if !unchanged {
            return Err(Error::conflict(format!("{} was changed by someone else since it was read", c.path))
                .help("run the command again"));
        }
    }
    Ok(())
}

/// The message as git would store it: trailing whitespace trimmed, one final newline.
pub(super) fn commit_message(message: &str) -> Result<String> {
    let clean = git2::message_prettify(message, None).unwrap_or_else(|_| format!("{}\n", message.trim_end()));
    if clean.trim().is_empty() {
        return Err(Error::refused("the commit message is empty")
            .help("this is a bug in watchbill; please report it"));
    }
    Ok(clean)
}

pub(super) fn reflog_message(set: &ChangeSet, tip: &Tip) -> String {
    let subject = set.message.lines().next().unwrap_or_default();
    match tip.parent {
        Some(_) => format!("commit: {subject}"),
        None => format!("commit (initial): {subject}"),
    }
}

/// Moves the branch from the value read in `tip` to `new`; false when another writer moved it
/// (or holds its lock) meanwhile.
pub(super) fn move_branch(
    repo: &Repository,
    target: &Target,
    tip: &Tip,
    new: Oid,
    log: &str,
) -> Result<bool> {
    let moved = match tip.current {
        Some(old) => repo.reference_matching(&target.refname, new, true, old, log),
        None => repo.reference(&target.refname, new, false, log),
    };
    match moved {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked | ErrorCode::Exists) => {
            Ok(false)
        }
        Err(e) => Err(git_error(format!("cannot move the branch {}", target.short))(e)),
    }
}

/// Pauses between retries, spread apart at random so racing writers do not retry in step.
pub(super) struct Jitter(crate::random::Random);

impl Jitter {
    pub(super) fn seeded() -> Jitter {
        Jitter(crate::random::Random::from_entropy())
    }

    #[cfg(test)]
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Sleeps 1 ms up to a ceiling that grows with the attempts, to at most 20 ms.
    pub(super) fn pause(&mut self, attempt: u32) {
        let ceiling = (2 + 2 * u64::from(attempt)).min(20);
        std::thread::sleep(Duration::from_millis(1 + self.0.below(ceiling)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_range_and_varies() {
        let mut j = Jitter::seeded();
        let draws: Vec<u64> = (0..100).map(|_| j.next() % 20).collect();
        assert!(draws.iter().any(|&d| d != draws[0]));
    }
}
