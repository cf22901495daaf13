//! Opening the repository: finding it from the root, the root's place in it, and creating one.

use super::*;

/// The root's folder relative to the top of its git working tree, `/`-separated, `""` at the top.
pub fn repo_prefix(root: &Path) -> Result<String> {
    let repo = open_repo(root, NOT_A_REPO_HELP)?;
    prefix_in(&repo, root)
}

/// Creates a git repository in `dir` unless `dir` is already inside one; true when it created one.
pub fn init_repository(dir: &Path) -> Result<bool> {
    match open_raw(dir) {
        Ok(_) => Ok(false),
        Err(e) if e.code() == ErrorCode::NotFound => {
            // git's own default branch name when the user set one, else `main`.
            let branch = GitConfig::open(None)
                .ok()
                .and_then(|c| c.get("init.defaultBranch"))
                .filter(|b| git2::Branch::name_is_valid(b).unwrap_or(false))
                .unwrap_or_else(|| "main".to_string());
            let mut opts = git2::RepositoryInitOptions::new();
            opts.initial_head(&branch);
            Repository::init_opts(dir, &opts).map_err(|e| {
                Error::usage(format!("cannot create a git repository in {}: {}", dir.display(), e.message()))
                    .help("check that the folder is writable, or run `git init` yourself")
            })?;
            Ok(true)
        }
        Err(e) => Err(open_error(dir, &e, NOT_A_REPO_HELP)),
    }
}

pub(super) fn open_raw(root: &Path) -> std::result::Result<Repository, git2::Error> {
    if std::env::var_os("GIT_DIR").is_some() {
        return Repository::open_from_env();
    }
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    Repository::open_ext(root, git2::RepositoryOpenFlags::empty(), &ceilings)
}

pub(super) fn open_repo(root: &Path, not_found_help: &str) -> Result<Repository> {
    open_raw(root).map_err(|e| open_error(root, &e, not_found_help))
}

pub(super) fn open_error(root: &Path, e: &git2::Error, not_found_help: &str) -> Error {
    let msg = e.message();
    if msg.contains("refstorage") || msg.contains("reftable") {
        return Error::usage(
            "this repository uses git's reftable ref storage, which watchbill (libgit2) cannot read yet",
        )
        .help("convert it with `git refs migrate --ref-format=files`");
    }
    if msg.contains("object format") || msg.contains("objectformat") {
        return Error::usage(
            "this repository stores objects by SHA-256 (extensions.objectFormat), which watchbill (libgit2) cannot read yet",
        )
        .help("nothing was written; keep the crew's files in a SHA-1 repository (`git init --object-format=sha1`)");
    }
    match e.code() {
        ErrorCode::NotFound => {
            Error::usage(format!("{} is not inside a git repository", root.display())).help(not_found_help)
        }
        ErrorCode::Owner => {
            let dir = guess_repo_dir(root);
            Error::usage(format!("the repository at {} is owned by another user", dir.display()))
                .help(format!("git config --global --add safe.directory {}", dir.display()))
        }
        _ => Error::usage(format!("cannot open the git repository around {}: {msg}", root.display()))
            .help("check the repository with `git status`"),
    }
}

/// The folder holding `.git` above `root`, to name in messages when libgit2 would not open it.
pub(super) fn guess_repo_dir(root: &Path) -> PathBuf {
    root.ancestors().find(|d| d.join(".git").exists()).unwrap_or(root).to_path_buf()
}

pub(super) fn prefix_in(repo: &Repository, root: &Path) -> Result<String> {
    let workdir = repo.workdir().ok_or_else(|| bare_repository(repo))?;
    let workdir = canonical(workdir)?;
    let root = canonical(root)?;
    let rel = root.strip_prefix(&workdir).map_err(|_| {
        Error::usage(format!(
            "{} is outside the working tree of the git repository at {}",
            root.display(),
            workdir.display()
        ))
        .help("run watchbill inside the repository's working tree (check GIT_DIR and GIT_WORK_TREE)")
    })?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/")).ok_or_else(|| {
        Error::usage(format!("the path {} is not valid UTF-8", rel.display()))
            .help("rename the folders above watchbill.toml to UTF-8 names")
    })
}

pub(super) fn bare_repository(repo: &Repository) -> Error {
    Error::usage(format!("{} is a bare repository; watchbill needs a working tree", repo.path().display()))
        .help("clone it (`git clone <path> <folder>`) and run watchbill in the clone")
}

pub(super) fn canonical(path: &Path) -> Result<PathBuf> {
    fs::canonicalize(path).map_err(|e| {
        Error::usage(format!("cannot open {}: {e}", path.display())).help("check that the folder exists")
    })
}

/// A root-relative path as a path in the repository's tree.
pub(super) fn in_repo(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{prefix}/{path}")
    }
}

pub(super) fn git_error(what: impl std::fmt::Display) -> impl FnOnce(git2::Error) -> Error {
    move |e| {
        if e.message().contains("extension: 'link'") {
            return split_index();
        }
        Error::usage(format!("{what}: {}", e.message()))
            .help("check the repository with `git status` and `git fsck`")
    }
}

/// git's split index (`core.splitIndex`) keeps part of the index in `.git/sharedindex.*`, which
/// libgit2 cannot read or write.
pub(super) fn split_index() -> Error {
    Error::usage("this repository uses git's split index (core.splitIndex), which watchbill (libgit2) cannot read yet")
        .help("nothing was written; turn it off: git config core.splitIndex false && git update-index --no-split-index")
}
