//! `logbook/<week>/*.md`: incidents, notes and the weekly handover.
//!
//! Each entry is its own Markdown file with TOML front matter, named
//! `<yyyymmddThhmm>-<slug>-<4 random chars>.md` so two people writing at the same minute on two
//! clones never pick the same name. The file name (without `.md`) is the entry's id.

use crate::ids::MemberId;
use crate::time::{IsoWeek, Timestamp};
use serde::{Deserialize, Serialize};
use toml::Spanned;

pub const DIR: &str = "logbook";
pub const HANDOVER: &str = "handover.md";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Incident,
    Note,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Major,
    Minor,
}

/// The incident timestamps, in the order they must happen.
pub const TIMESTAMPS: [&str; 6] = ["started", "detected", "alerted", "acknowledged", "restored", "fixed"];

/// The front matter of an incident or a note.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFile {
    pub kind: Kind,
    pub title: String,
    pub author: Spanned<MemberId>,
    /// When the note was written; for an incident, defaults to `started`.
    pub at: Option<Spanned<Timestamp>>,
    pub severity: Option<Severity>,
    #[serde(default)]
    pub services: Vec<String>,
    pub started: Option<Spanned<Timestamp>>,
    pub detected: Option<Spanned<Timestamp>>,
    pub alerted: Option<Spanned<Timestamp>>,
    pub acknowledged: Option<Spanned<Timestamp>>,
    pub restored: Option<Spanned<Timestamp>>,
    pub fixed: Option<Spanned<Timestamp>>,
    pub tickets: Option<u32>,
    #[serde(default)]
    pub handlers: Vec<Spanned<MemberId>>,
    #[serde(default)]
    pub links: Vec<String>,
    /// A note that is ongoing work (a "worksite") until `closed` is set.
    #[serde(default)]
    pub ongoing: bool,
    pub closed: Option<Spanned<Timestamp>>,
}

impl EntryFile {
    /// The incident timestamps that are set, by name, in [`TIMESTAMPS`] order.
    pub fn timestamps(&self) -> [(&'static str, Option<&Spanned<Timestamp>>); 6] {
        [
            ("started", self.started.as_ref()),
            ("detected", self.detected.as_ref()),
            ("alerted", self.alerted.as_ref()),
            ("acknowledged", self.acknowledged.as_ref()),
            ("restored", self.restored.as_ref()),
            ("fixed", self.fixed.as_ref()),
        ]
    }

    pub fn timestamp(&self, name: &str) -> Option<Timestamp> {
        self.timestamps().into_iter().find(|(n, _)| *n == name).and_then(|(_, t)| t.map(|t| *t.get_ref()))
    }

    /// The time that places the entry in a week.
    pub fn when(&self) -> Option<&Spanned<Timestamp>> {
        self.at.as_ref().or(self.started.as_ref()).or(self.detected.as_ref())
    }
}

/// A logbook entry as the model holds it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The file name without `.md`.
    pub id: String,
    /// The week folder the file is in.
    pub week: IsoWeek,
    pub meta: EntryFile,
    pub body: String,
    pub origin: super::Origin,
}

/// The front matter of `logbook/<week>/handover.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverFile {
    pub week: Option<Spanned<IsoWeek>>,
    pub author: Spanned<MemberId>,
    pub written: Spanned<Timestamp>,
    /// Captains going back to their teams.
    #[serde(default)]
    pub outgoing: Vec<Spanned<MemberId>>,
    /// Captains coming in for the next week.
    #[serde(default)]
    pub incoming: Vec<Spanned<MemberId>>,
}

#[derive(Clone, Debug)]
pub struct Handover {
    pub week: IsoWeek,
    pub meta: HandoverFile,
    pub body: String,
    pub origin: super::Origin,
}

/// The folder of a week's entries.
pub fn week_dir(week: IsoWeek) -> String {
    format!("{DIR}/{week}")
}

/// Whether an entry id is a safe file stem (it is typed on the command line for `log update`).
pub fn valid_entry_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// A lowercase ASCII slug of a title, at most `max` characters, for file names.
pub fn slug(title: &str, max: usize) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'a'..='z' | '0'..='9' => c,
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            _ => '-',
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        if out.len() >= max {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "entry".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_short() {
        assert_eq!(slug("API latency > 2 s!", 40), "api-latency-2-s");
        assert_eq!(slug("Déploiement échoué", 40), "deploiement-echoue");
        assert_eq!(slug("../../etc/passwd", 40), "etc-passwd");
        assert_eq!(slug("!!!", 40), "entry");
        assert!(slug(&"word ".repeat(30), 20).len() <= 20);
    }
}
