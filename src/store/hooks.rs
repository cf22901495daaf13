//! git's commit hooks, run as `git commit` runs them: `pre-commit`, `prepare-commit-msg`,
//! `commit-msg` before the commit and `post-commit` after it, from `core.hooksPath` (else
//! `.git/hooks`), in the top of the working tree, with `GIT_INDEX_FILE` naming an index that
//! holds exactly the tree watchbill commits. `--no-verify` skips `pre-commit` and `commit-msg`,
//! as in git.

use super::*;
use std::process::{Command, Stdio};

/// Whether a commit runs git's verifying hooks, `pre-commit` and `commit-msg`: a parameter of
/// each write (`--no-verify` skips them, as `git commit --no-verify` does), never a setting of
/// the process, so one write's choice cannot leak into another's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verify {
    #[default]
    Run,
    Skip,
}

/// Where the hooks are and where they run.
pub(super) struct Hooks {
    dir: PathBuf,
    workdir: Option<PathBuf>,
    git_dir: PathBuf,
    verify: Verify,
}

pub(super) fn hooks(repo: &Repository, config: &GitConfig, verify: Verify) -> Hooks {
    let workdir = repo.workdir().map(Path::to_path_buf);
    let dir = match config.get("core.hooksPath").filter(|p| !p.trim().is_empty()) {
        // A relative hooksPath is relative to where hooks run: the top of the working tree.
        Some(p) => {
            let p = expand_home(&p);
            match (&workdir, p.is_relative()) {
                (Some(w), true) => w.join(p),
                _ => p,
            }
        }
        None => repo.path().join("hooks"),
    };
    Hooks { dir, workdir, git_dir: repo.path().to_path_buf(), verify }
}

impl Hooks {
    /// Runs the hooks before a commit of `tree` with `message`; returns the message as
    /// `prepare-commit-msg` and `commit-msg` left it. A hook that fails refuses the commit.
    pub(super) fn before_commit(&self, tree: &Tree<'_>, message: &str) -> Result<String> {
        let verify = self.verify == Verify::Run;
        let names: Vec<&str> = ["pre-commit", "prepare-commit-msg", "commit-msg"]
            .into_iter()
            .filter(|n| verify || *n == "prepare-commit-msg")
            .filter(|n| self.find(n).is_some())
            .collect();
        if names.is_empty() {
            return Ok(message.to_string());
        }
        let index_file = self.git_dir.join(format!("watchbill-hook-index-{}", std::process::id()));
        let msg_file = self.git_dir.join("COMMIT_EDITMSG");
        let result = (|| {
            let mut index =
                git2::Index::open(&index_file).map_err(git_error("cannot write the hooks' index"))?;
            index.read_tree(tree).map_err(git_error("cannot write the hooks' index"))?;
            index.write().map_err(git_error("cannot write the hooks' index"))?;
            fs::write(&msg_file, message).map_err(|e| write_error(&msg_file, e))?;
            for name in &names {
                let args: Vec<&Path> = match *name {
                    "pre-commit" => vec![],
                    "prepare-commit-msg" => vec![&msg_file, Path::new("message")],
                    _ => vec![&msg_file],
                };
                if !self.run(name, &args, &index_file)? {
                    return Err(Error::refused(format!(
                        "git's {name} hook refused the commit: nothing was written"
                    ))
                    .help(format!(
                        "fix what the hook reports above, or pass --no-verify to skip {name} and commit-msg"
                    )));
                }
            }
            fs::read_to_string(&msg_file).map_err(|e| read_error(&msg_file, e))
        })();
        let _ = fs::remove_file(&index_file);
        result
    }

    /// Runs `post-commit`; as in git, its failure does not undo the commit.
    pub(super) fn after_commit(&self) {
        let index = self.git_dir.join("index");
        if self.find("post-commit").is_some() {
            let _ = self.run("post-commit", &[], &index);
        }
    }

    fn find(&self, name: &str) -> Option<PathBuf> {
        let path = self.dir.join(name);
        let meta = fs::metadata(&path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // git passes over a hook that is not executable (with a hint).
            if meta.permissions().mode() & 0o111 == 0 {
                return None;
            }
        }
        meta.is_file().then_some(path)
    }

    /// Whether the hook succeeded. Its output goes to stderr, as git sends it.
    fn run(&self, name: &str, args: &[&Path], index_file: &Path) -> Result<bool> {
        let Some(path) = self.find(name) else { return Ok(true) };
        let mut cmd = Command::new(&path);
        cmd.args(args)
            .env("GIT_INDEX_FILE", index_file)
            // Hooks must not open an editor: git sets `:` when it does not edit the message.
            .env("GIT_EDITOR", ":")
            .stdin(Stdio::null())
            .stdout(hook_stdout());
        if let Some(w) = &self.workdir {
            cmd.current_dir(w);
        }
        let status = cmd.status().map_err(|e| {
            Error::usage(format!("cannot run git's {name} hook ({}): {e}", path.display()))
                .help("check the hook's first line (#!) and that it is executable, or pass --no-verify")
        })?;
        Ok(status.success())
    }
}

#[cfg(unix)]
fn hook_stdout() -> Stdio {
    use std::os::fd::AsFd;
    io::stderr().as_fd().try_clone_to_owned().map_or_else(|_| Stdio::inherit(), Stdio::from)
}

#[cfg(not(unix))]
fn hook_stdout() -> Stdio {
    Stdio::inherit()
}
