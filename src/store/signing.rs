//! Signing commits as git does when `commit.gpgsign` is set: `gpg.format` openpgp (`gpg`), x509
//! (`gpgsm`) or ssh (`ssh-keygen -Y sign`), with `gpg.program`, `gpg.<format>.program` and
//! `user.signingkey`. A signature that cannot be made is an error, and nothing is committed.

use super::*;
use std::process::{Command, Stdio};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    OpenPgp,
    X509,
    Ssh,
}

/// How to sign, from git's configuration.
#[derive(Clone, Debug)]
pub(super) struct Signer {
    format: Format,
    program: String,
    key: Option<String>,
}

/// The signer git would use, or `None` when `commit.gpgsign` is not set.
pub(super) fn signer(config: &GitConfig) -> Result<Option<Signer>> {
    if !config.get_bool("commit.gpgsign")?.unwrap_or(false) {
        return Ok(None);
    }
    let format = match config.get("gpg.format").as_deref().map(str::trim) {
        None | Some("openpgp") => Format::OpenPgp,
        Some("x509") => Format::X509,
        Some("ssh") => Format::Ssh,
        Some(other) => {
            return Err(Error::usage(format!("gpg.format = {other:?} is not a format git signs with"))
                .help("set gpg.format to openpgp, x509 or ssh, or unset commit.gpgsign"))
        }
    };
    let (section, default) = match format {
        Format::OpenPgp => ("openpgp", "gpg"),
        Format::X509 => ("x509", "gpgsm"),
        Format::Ssh => ("ssh", "ssh-keygen"),
    };
    let program = config
        .get(&format!("gpg.{section}.program"))
        .or_else(|| if format == Format::OpenPgp { config.get("gpg.program") } else { None })
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| default.to_string());
    let key = config.get("user.signingkey").filter(|k| !k.trim().is_empty());
    Ok(Some(Signer { format, program, key }))
}

static SIGN_SEQ: AtomicU64 = AtomicU64::new(0);

impl Signer {
    /// The armored signature of `payload` (the commit buffer), made by the committer's key.
    pub(super) fn sign(&self, git_dir: &Path, payload: &[u8], committer: &Signature<'_>) -> Result<String> {
        match self.format {
            Format::OpenPgp | Format::X509 => self.sign_gpg(payload, committer),
            Format::Ssh => self.sign_ssh(git_dir, payload),
        }
    }

    fn sign_gpg(&self, payload: &[u8], committer: &Signature<'_>) -> Result<String> {
        // Without user.signingkey git signs as the committer, by name and email.
        let key = self.key.clone().unwrap_or_else(|| {
            format!("{} <{}>", committer.name().unwrap_or_default(), committer.email().unwrap_or_default())
        });
        let mut child = Command::new(&self.program)
            .args(["--status-fd=2", "-bsau", &key])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.failed(&e.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(payload).map_err(|e| self.failed(&e.to_string()))?;
        }
        let out = child.wait_with_output().map_err(|e| self.failed(&e.to_string()))?;
        let status = String::from_utf8_lossy(&out.stderr);
        // git checks the status line, not only the exit code.
        if !out.status.success() || !status.contains("[GNUPG:] SIG_CREATED ") {
            return Err(self.failed(status.trim()));
        }
        String::from_utf8(out.stdout).map_err(|_| self.failed("the signature is not text"))
    }

    fn sign_ssh(&self, git_dir: &Path, payload: &[u8]) -> Result<String> {
        let Some(key) = &self.key else {
            return Err(Error::usage(
                "commit.gpgsign is set with gpg.format = ssh, but user.signingkey is not",
            )
            .help("git config user.signingkey ~/.ssh/id_ed25519.pub (or unset commit.gpgsign)"));
        };
        let n = SIGN_SEQ.fetch_add(1, Ordering::Relaxed);
        let scratch = git_dir.join(format!("watchbill-sign-{}-{n}", std::process::id()));
        let mut temps = vec![scratch.clone(), scratch.with_extension("sig")];
        let result = (|| {
            fs::write(&scratch, payload).map_err(|e| write_error(&scratch, e))?;
            let mut cmd = Command::new(&self.program);
            cmd.args(["-Y", "sign", "-n", "git", "-f"]);
            // A literal public key (`key::ssh-ed25519 …` or `ssh-…`) signs through the agent.
            let literal =
                key.strip_prefix("key::").or_else(|| key.starts_with("ssh-").then_some(key.as_str()));
            match literal {
                Some(public) => {
                    let file = git_dir.join(format!("watchbill-sign-{}-{n}.pub", std::process::id()));
                    fs::write(&file, public).map_err(|e| write_error(&file, e))?;
                    cmd.arg(&file).arg("-U");
                    temps.push(file);
                }
                None => {
                    cmd.arg(expand_home(key));
                }
            }
            let out =
                cmd.arg(&scratch).stdin(Stdio::null()).output().map_err(|e| self.failed(&e.to_string()))?;
            if !out.status.success() {
                return Err(self.failed(String::from_utf8_lossy(&out.stderr).trim()));
            }
            let sig = scratch.with_extension("sig");
            fs::read_to_string(&sig).map_err(|e| read_error(&sig, e))
        })();
        for t in temps {
            let _ = fs::remove_file(t);
        }
        result
    }

    fn failed(&self, why: &str) -> Error {
        Error::usage(format!("git's signing program `{}` could not sign the commit: {why}", self.program)).help(
            "nothing was committed; check user.signingkey and gpg.format (`git commit --allow-empty -m test` shows the same error), or unset commit.gpgsign",
        )
    }
}

/// `~/x` as git reads a path in its configuration.
pub(super) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
