//! The paths a change set may write: plain, relative, never through a link or into `.git`.

use super::*;

/// The change set's paths, once each is known to be a plain relative path; anything else is a
/// bug in the caller, and must not escape the root or reach `.git`.
pub(super) fn checked_paths(set: &ChangeSet) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    // A moved file's old path is changed too: it must be as plain, and changed only once.
    let touched =
        set.changes.iter().flat_map(|c| std::iter::once(c.path.as_str()).chain(c.base.moved_from()));
    for path in touched {
        if let Some(why) = path_problem(path) {
            return Err(Error::refused(format!("refusing to write {path:?}: {why}"))
                .help("this is a bug in watchbill; please report it"));
        }
        if !seen.insert(path) {
            return Err(Error::refused(format!("{path} is written twice in one change"))
                .help("this is a bug in watchbill; please report it"));
        }
    }
    Ok(set.changes.iter().map(|c| c.path.clone()).collect())
}

pub(super) fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("the path is empty")
    } else if path.starts_with('/') {
        Some("the path is absolute")
    } else if path.contains('\\') {
        Some("the path contains a backslash")
    } else if path.chars().any(char::is_control) {
        Some("the path contains a control character")
    } else if path.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        Some("the path has an empty, `.` or `..` component")
    } else if path.split('/').any(|c| c.eq_ignore_ascii_case(".git")) {
        Some("the path goes into .git")
    } else {
        None
    }
}

/// Refuses a path that goes through (or is) a symbolic link: a write must never land outside
/// the root, and replacing a link would silently change what it meant.
pub(super) fn refuse_links(root: &Path, rel: &str) -> Result<()> {
    let mut at = root.to_path_buf();
    for component in rel.split('/') {
        at.push(component);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::refused(format!(
                    "{} is a symbolic link; watchbill does not write through links",
                    at.display()
                ))
                .help("replace the link with the real file or folder, then run the command again"));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn only_plain_relative_paths_pass() {
        for ok in ["rota/2026-W48.toml", "crew.toml", "logbook/2026-W48/x.md"] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "a//b",
            "a/./b",
            "../x",
            "a/..",
            "a\\b",
            "a\nb",
            "a\0b",
            ".git/config",
            "x/.GIT/y",
            "a/",
        ] {
            assert!(path_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn duplicate_paths_are_refused() {
        let change = FileWrite { path: "crew.toml".into(), contents: vec![], base: Base::Absent };
        let set = ChangeSet { message: "m".into(), changes: vec![change.clone(), change] };
        assert_eq!(checked_paths(&set).err().map(|e| e.exit), Some(Exit::Refused));
    }
}
