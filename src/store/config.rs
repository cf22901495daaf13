//! git's configuration, read from every source git reads and in git's order: the system file
//! (unless `GIT_CONFIG_NOSYSTEM`; `GIT_CONFIG_SYSTEM` names it), the global files
//! (`GIT_CONFIG_GLOBAL` replaces `~/.gitconfig` and `$XDG_CONFIG_HOME/git/config`), the
//! repository's `.git/config`, then the command line's: `GIT_CONFIG_COUNT` with
//! `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>`, and `GIT_CONFIG_PARAMETERS` (what `git -c` passes
//! to hooks and aliases). Later sources win.

use super::*;

/// The configuration a git command run in the repository would see.
pub(super) struct GitConfig {
    files: git2::Config,
    /// From the environment, in order; the last of a key wins.
    overrides: Vec<(String, String)>,
}

impl GitConfig {
    /// The configuration for `repo` (or outside any repository).
    pub(super) fn open(repo: Option<&Repository>) -> Result<GitConfig> {
        let env = |k: &str| std::env::var(k).ok();
        let mut files = git2::Config::new().map_err(git_error("cannot read git's configuration"))?;
        for (path, level) in config_files(&env, repo.map(Repository::commondir)) {
            if path.is_file() {
                files.add_file(&path, level, false).map_err(|e| broken_config(&path, &e))?;
            }
        }
        // `git sparse-checkout` and `git worktree` keep their settings here, read only when
        // the repository says so.
        if let Some(repo) = repo.filter(|_| files.get_bool("extensions.worktreeConfig").unwrap_or(false)) {
            let path = repo.path().join("config.worktree");
            if path.is_file() {
                files
                    .add_file(&path, git2::ConfigLevel::Worktree, false)
                    .map_err(|e| broken_config(&path, &e))?;
            }
        }
        Ok(GitConfig { files, overrides: overrides(&env)? })
    }

    /// The last value of `key`, as git's `git config --get` gives it.
    pub(super) fn get(&self, key: &str) -> Option<String> {
        let want = normalize(key);
        if let Some((_, v)) = self.overrides.iter().rev().find(|(k, _)| *k == want) {
            return Some(v.clone());
        }
        self.files.get_string(key).ok()
    }

    /// `key` as a boolean (`true`/`yes`/`on`/`1`, `false`/`no`/`off`/`0`/empty), as git reads it.
    pub(super) fn get_bool(&self, key: &str) -> Result<Option<bool>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(Some(true)),
            "false" | "no" | "off" | "0" | "" => Ok(Some(false)),
            _ => Err(Error::usage(format!("git's configuration has {key} = {v:?}, which is not a boolean"))
                .help(format!("set it to true or false: git config {key} true"))),
        }
    }
}

/// The configuration files git reads, lowest priority first.
pub(super) fn config_files(
    env: &dyn Fn(&str) -> Option<String>,
    git_dir: Option<&Path>,
) -> Vec<(PathBuf, git2::ConfigLevel)> {
    use git2::ConfigLevel::{Global, Local, System, XDG};
    let mut out = Vec::new();
    let truthy = |v: &str| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on");
    if !env("GIT_CONFIG_NOSYSTEM").is_some_and(|v| truthy(&v)) {
        match env("GIT_CONFIG_SYSTEM") {
            Some(p) => out.push((PathBuf::from(p), System)),
            None => out.push((
                git2::Config::find_system().unwrap_or_else(|_| PathBuf::from("/etc/gitconfig")),
                System,
            )),
        }
    }
    match env("GIT_CONFIG_GLOBAL") {
        Some(p) => out.push((PathBuf::from(p), Global)),
        None => {
            let home = env("HOME").map(PathBuf::from);
            let xdg = env("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".config")));
            if let Some(x) = xdg {
                out.push((x.join("git/config"), XDG));
            }
            if let Some(h) = home {
                out.push((h.join(".gitconfig"), Global));
            }
        }
    }
    if let Some(dir) = git_dir {
        out.push((dir.join("config"), Local));
    }
    out
}

/// Section and variable names are case-insensitive in git; a subsection is not.
fn normalize(key: &str) -> String {
    match (key.find('.'), key.rfind('.')) {
        (Some(first), Some(last)) if first != last => format!(
            "{}{}{}",
            key[..first].to_ascii_lowercase(),
            &key[first..last],
            key[last..].to_ascii_lowercase()
        ),
        _ => key.to_ascii_lowercase(),
    }
}

/// The configuration set on the command line, as git passes it on in the environment.
pub(super) fn overrides(env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    if let Some(count) = env("GIT_CONFIG_COUNT").filter(|c| !c.is_empty()) {
        let n: usize = count.trim().parse().map_err(|_| {
            Error::usage(format!("GIT_CONFIG_COUNT={count:?} is not a number")).help("unset GIT_CONFIG_COUNT")
        })?;
        for i in 0..n {
            let key = env(&format!("GIT_CONFIG_KEY_{i}")).ok_or_else(|| {
                Error::usage(format!("GIT_CONFIG_COUNT is {n} but GIT_CONFIG_KEY_{i} is not set"))
                    .help("set it, or lower GIT_CONFIG_COUNT")
            })?;
            let value = env(&format!("GIT_CONFIG_VALUE_{i}")).ok_or_else(|| {
                Error::usage(format!("GIT_CONFIG_COUNT is {n} but GIT_CONFIG_VALUE_{i} is not set"))
                    .help("set it, or lower GIT_CONFIG_COUNT")
            })?;
            out.push((normalize(&key), value));
        }
    }
    if let Some(params) = env("GIT_CONFIG_PARAMETERS") {
        let pairs = parse_parameters(&params).ok_or_else(|| {
            Error::usage(format!("GIT_CONFIG_PARAMETERS={params:?} cannot be read"))
                .help("it is set by `git -c`; unset it")
        })?;
        out.extend(pairs.into_iter().map(|(k, v)| (normalize(&k), v)));
    }
    Ok(out)
}

/// `'key'='value' 'key2'='value2'` (or the older `'key=value'`), each part single-quoted the
/// way git's `sq_quote` does (a `'` inside is `'\''`); a key alone means `true`.
pub(super) fn parse_parameters(s: &str) -> Option<Vec<(String, String)>> {
    let mut chars = s.chars().peekable();
    let mut out = Vec::new();
    let quoted = |chars: &mut std::iter::Peekable<std::str::Chars>| -> Option<String> {
        let mut v = String::new();
        loop {
            if chars.next()? != '\'' {
                return None;
            }
            for c in chars.by_ref() {
                if c == '\'' {
                    break;
                }
                v.push(c);
            }
            // `'\''`: an escaped quote, then the quoting goes on.
            if chars.peek() == Some(&'\\') {
                chars.next();
                v.push(chars.next()?);
                continue;
            }
            return Some(v);
        }
    };
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Some(out);
        }
        let key = quoted(&mut chars)?;
        if chars.peek() == Some(&'=') {
            chars.next();
            let value = if chars.peek() == Some(&'\'') { quoted(&mut chars)? } else { String::new() };
            out.push((key, value));
        } else {
            match key.split_once('=') {
                Some((k, v)) => out.push((k.to_string(), v.to_string())),
                None => out.push((key, "true".to_string())),
            }
        }
    }
}

fn broken_config(path: &Path, e: &git2::Error) -> Error {
    Error::usage(format!("git's configuration file {} cannot be read: {}", path.display(), e.message()))
        .help(format!("fix the line named above (`git config --file {} --list` shows it)", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_as_git_quotes_them() {
        let p = parse_parameters("'user.name'='A '\\''B'\\''' 'core.bare' 'x.y=z'").expect("parses");
        assert_eq!(
            p,
            vec![
                ("user.name".to_string(), "A 'B'".to_string()),
                ("core.bare".to_string(), "true".to_string()),
                ("x.y".to_string(), "z".to_string())
            ]
        );
        assert_eq!(parse_parameters("user.name=x"), None);
    }

    #[test]
    fn keys_compare_as_git_compares_them() {
        assert_eq!(normalize("User.Email"), "user.email");
        assert_eq!(normalize("Remote.Origin.URL"), "remote.Origin.url");
    }

    #[test]
    fn global_replaces_home_and_xdg_and_nosystem_drops_system() {
        let env = |k: &str| match k {
            "GIT_CONFIG_GLOBAL" => Some("/g".to_string()),
            "GIT_CONFIG_NOSYSTEM" => Some("1".to_string()),
            "HOME" => Some("/home/x".to_string()),
            _ => None,
        };
        let files = config_files(&env, None);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, PathBuf::from("/g"));
    }
}
