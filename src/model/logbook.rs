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

/// How many weeks back `status` and `handover` look for open entries: a quarter. They read only
/// those weeks, so they stay instant however long the logbook; `check`, which reads everything,
/// warns about entries left open longer (`stale-open`), so none is forgotten.
pub const OPEN_WEEKS: i64 = 13;

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
    /// The paging tool's record this incident was imported from, `"<tool>:<id>"`
    /// (`"pagerduty:Q1PD0001"`): a later import finds and updates this entry by it.
    pub source: Option<Spanned<String>>,
    /// The values the last import wrote, so the next one can tell a person's edit (the field
    /// now differs from them) from its own (docs/interop.md).
    pub imported: Option<Imported>,
}

/// The fields an import keeps up to date, as it last wrote them.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Imported {
    pub severity: Option<Severity>,
    pub acknowledged: Option<Timestamp>,
    pub restored: Option<Timestamp>,
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

impl Entry {
    /// Whether the entry is still open: an incident not restored or not fixed, ongoing work not
    /// closed.
    pub fn is_open(&self) -> bool {
        match self.meta.kind {
            Kind::Incident => self.meta.restored.is_none() || self.meta.fixed.is_none(),
            Kind::Note => self.meta.ongoing && self.meta.closed.is_none(),
        }
    }

    /// When the entry happened, for objectives' windows: its `started`, else the time that
    /// files it.
    pub fn happened(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.meta.started.as_ref().or(self.meta.when()).map(|t| t.get_ref().0)
    }
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

/// Writing and editing entries (pure: values in, text out).
pub mod write {
    use super::{Kind, Severity};
    use crate::time::rfc3339;
    use chrono::{DateTime, FixedOffset};
    use toml_edit::{value, Array, DocumentMut, Item, Value};

    /// A TOML value for an instant, with its offset.
    pub fn datetime(t: &DateTime<FixedOffset>) -> Value {
        // An RFC 3339 string always parses as a TOML offset date-time.
        rfc3339(t).parse::<toml_edit::Datetime>().map(Value::from).unwrap_or_else(|_| Value::from(rfc3339(t)))
    }

    fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
        Value::Array(items.into_iter().collect::<Array>())
    }

    /// A new entry's fields.
    pub struct NewEntry<'a> {
        pub kind: Kind,
        pub title: &'a str,
        pub author: &'a str,
        pub at: Option<DateTime<FixedOffset>>,
        pub severity: Option<Severity>,
        pub services: &'a [String],
        /// Incident timestamps by name, in `TIMESTAMPS` order.
        pub times: Vec<(&'static str, DateTime<FixedOffset>)>,
        pub tickets: Option<u32>,
        pub handlers: &'a [String],
        pub links: &'a [String],
        pub ongoing: bool,
        pub body: &'a str,
    }

    pub fn severity_str(s: Severity) -> &'static str {
        match s {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
        }
    }

    /// The Markdown file of a new entry: front matter, a blank line, the body.
    pub fn entry_text(e: &NewEntry) -> String {
        let mut doc = DocumentMut::new();
        doc["kind"] = value(if e.kind == Kind::Incident { "incident" } else { "note" });
        doc["title"] = value(e.title);
        doc["author"] = value(e.author);
        if let Some(at) = &e.at {
            doc["at"] = Item::Value(datetime(at));
        }
        if let Some(s) = e.severity {
            doc["severity"] = value(severity_str(s));
        }
        if !e.services.is_empty() {
            doc["services"] = Item::Value(strings(e.services.iter().map(String::as_str)));
        }
        for (name, t) in &e.times {
            doc[*name] = Item::Value(datetime(t));
        }
        if let Some(n) = e.tickets {
            doc["tickets"] = value(i64::from(n));
        }
        if !e.handlers.is_empty() {
            doc["handlers"] = Item::Value(strings(e.handlers.iter().map(String::as_str)));
        }
        if !e.links.is_empty() {
            doc["links"] = Item::Value(strings(e.links.iter().map(String::as_str)));
        }
        if e.ongoing {
            doc["ongoing"] = value(true);
        }
        let body = e.body.trim_end();
        format!("+++\n{doc}+++\n\n{body}{}", if body.is_empty() { "" } else { "\n" })
    }

    /// Sets fields of an entry's front matter, keeping everything else — the body, comments,
    /// the order and layout of the other fields — byte for byte.
    pub fn set_fields(text: &str, path: &str, fields: &[(&str, Value)]) -> Result<String, String> {
        let (src, _) = crate::parse::front_matter(path, text).map_err(|d| d.message)?;
        let (start, end) = src.toml;
        let mut doc = text[start..end]
            .parse::<DocumentMut>()
            .map_err(|e| format!("the front matter is not valid TOML: {}", e.message()))?;
        for (k, v) in fields {
            doc[*k] = Item::Value(v.clone());
        }
        let mut toml = doc.to_string();
        if !toml.ends_with('\n') {
            toml.push('\n');
        }
        Ok(format!("{}{}{}", &text[..start], toml, &text[end..]))
    }
}

#[cfg(test)]
mod write_tests {
    use super::write::*;
    use super::*;
    use chrono::DateTime;

    #[test]
    fn new_entries_escape_titles_and_keep_offsets() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T10:02:00+01:00").unwrap();
        let text = entry_text(&NewEntry {
            kind: Kind::Incident,
            title: "Quote \" and\nnewline +++",
            author: "alice",
            at: None,
            severity: Some(Severity::Major),
            services: &["api".into()],
            times: vec![("started", t)],
            tickets: Some(3),
            handlers: &[],
            links: &[],
            ongoing: false,
            body: "## Timeline\n",
        });
        let (src, body) = crate::parse::front_matter("a.md", &text).unwrap();
        let meta: EntryFile = src.parse().unwrap();
        assert_eq!(meta.title, "Quote \" and\nnewline +++");
        assert_eq!(crate::time::rfc3339(&meta.started.unwrap().get_ref().0), "2026-11-23T10:02:00+01:00");
        assert_eq!(&text[body..], "\n## Timeline\n");
    }

    #[test]
    fn set_fields_keeps_the_body_and_comments_byte_for_byte() {
        let text = "+++\nkind = \"incident\" # what\n# a comment\ntitle = \"x\"\n+++\nbody with +++ inside\r\n  kept  \n";
        let t = DateTime::parse_from_rfc3339("2026-11-23T10:09:00+01:00").unwrap();
        let out = set_fields(text, "a.md", &[("restored", datetime(&t))]).unwrap();
        assert!(out.starts_with("+++\nkind = \"incident\" # what\n# a comment\ntitle = \"x\"\n"), "{out}");
        assert!(out.contains("restored = 2026-11-23T10:09:00+01:00\n+++\n"), "{out}");
        assert!(out.ends_with("+++\nbody with +++ inside\r\n  kept  \n"), "{out}");
    }
}
