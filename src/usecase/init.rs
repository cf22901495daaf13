//! `watchbill init`: the files a new crew starts with, as a change set the write gate judges
//! like any other (an unescaped `--name` would otherwise commit a `watchbill.toml` that `check`
//! rejects).

use crate::example::large::{self, Scale};
use crate::store::{Base, ChangeSet, FileWrite, HistoryCommit};
use crate::{example, scaffold};
use chrono::{DateTime, FixedOffset};

/// What a person asks `init` for.
pub struct Request<'a> {
    /// The crew's name, written into `watchbill.toml` as a TOML string.
    pub name: &'a str,
    /// The example crew with months of history instead of empty files.
    pub example: bool,
    /// Whether the folder is (or will be) the top of its repository: GitHub reads workflows
    /// only there, so the workflow is written only then.
    pub at_top: bool,
    pub now: DateTime<FixedOffset>,
}

/// The new files, all of them new.
pub fn files(r: &Request<'_>) -> ChangeSet {
    let mut files = if r.example { example::files(r.now) } else { scaffold::files(r.name) };
    if r.at_top {
        files.push((scaffold::WORKFLOW_PATH.to_string(), scaffold::workflow(".", &files)));
    }
    let message = if r.example {
        "init: example crew (20 members in 5 teams, six months of history)"
    } else {
        "init: watchbill settings, crew and maturity matrix"
    };
    new_files(message, files)
}

/// `init --example --years N --members M`: the generated organisation, committed week by week,
/// and the tree the history ends at (every path is written once), for the gate to judge.
pub fn organisation(now: DateTime<FixedOffset>, scale: Scale) -> (Vec<HistoryCommit>, ChangeSet) {
    let commits: Vec<HistoryCommit> = large::history(now, scale)
        .into_iter()
        .map(|c| HistoryCommit {
            message: c.message,
            author: c.author.name,
            email: c.author.email,
            time: c.at,
            files: c.files.into_iter().map(|(p, t)| (p, t.into_bytes())).collect(),
        })
        .collect();
    let tree = ChangeSet {
        message: "init: generated organisation".to_string(),
        changes: commits
            .iter()
            .flat_map(|c| &c.files)
            .map(|(path, bytes)| FileWrite {
                path: path.clone(),
                contents: bytes.clone(),
                base: Base::Absent,
            })
            .collect(),
    };
    (commits, tree)
}

fn new_files(message: &str, files: Vec<(String, String)>) -> ChangeSet {
    ChangeSet {
        message: message.to_string(),
        changes: files
            .into_iter()
            .map(|(path, text)| FileWrite { path, contents: text.into_bytes(), base: Base::Absent })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name with quotes, a backslash and a newline reads back as itself.
    #[test]
    fn the_name_is_written_as_a_toml_string_and_reads_back() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        for name in ["Ops \"night\" crew", "back\\slash", "two\nlines", "it's ''' odd"] {
            let set = files(&Request { name, example: false, at_top: false, now });
            let settings = set.changes.iter().find(|c| c.path == "watchbill.toml").unwrap();
            let text = String::from_utf8(settings.contents.clone()).unwrap();
            let table: toml::Table = toml::from_str(&text).unwrap();
            assert_eq!(table["name"].as_str(), Some(name), "{text}");
        }
    }
}
