//! `log incident`, `log note`, `log update`: the entry a command writes — its id, its week
//! folder, its times — decided here. Whether the times are in order is the write gate's to say,
//! with the diagnostic `check` gives (`timestamp-order`), so the two can never disagree.

use crate::error::{Error, Result};
use crate::ids::{local_stamp, MemberId};
use crate::model::logbook::write::{self as entry_write, NewEntry};
use crate::model::logbook::{self, Entry, EntryFile, Kind, Severity};
use crate::model::Model;
use crate::store::{Base, ChangeSet, FileWrite};
use crate::time::IsoWeek;
use chrono::{DateTime, FixedOffset};

/// Who writes an entry: the member named (`--as`), else the member whose e-mail is git's.
pub struct Writer<'a> {
    pub given: Option<&'a MemberId>,
    /// git's `user.email`, if set.
    pub git_email: Option<&'a str>,
}

/// The member writing, or why nobody is.
pub fn author(model: &Model, w: &Writer) -> Result<MemberId> {
    if let Some(id) = w.given {
        return Ok(super::named_member(model, id)?.id().clone());
    }
    match w.git_email.and_then(|e| model.crew.by_email(e)) {
        Some(m) => Ok(m.id().clone()),
        None => Err(Error::usage(format!(
            "no member of the crew has the e-mail {}",
            w.git_email.unwrap_or("(git has no user.email)")
        ))
        .help("pass --as MEMBER, or set your e-mail in crew.toml (`watchbill crew edit ID --email …`)")),
    }
}

/// The times of an incident, by name, in the order of [`logbook::EntryFile::timestamps`].
pub type Times = Vec<(&'static str, DateTime<FixedOffset>)>;

/// What `log incident` records.
pub struct Incident<'a> {
    pub title: &'a str,
    pub severity: Option<Severity>,
    pub services: &'a [String],
    /// The times given; `started` defaults to now.
    pub times: Times,
    pub tickets: Option<u32>,
    /// Who handled it (default: the author).
    pub handlers: &'a [MemberId],
    pub links: &'a [String],
    /// The text; `None` starts from the incident template.
    pub body: Option<&'a str>,
}

/// What `log note` records.
pub struct Note<'a> {
    pub title: &'a str,
    pub ongoing: bool,
    pub body: Option<&'a str>,
}

/// A new entry before it is written: its id, its file, and the text to write (or to open in
/// an editor first).
#[derive(Debug, Clone)]
pub struct Draft {
    /// The file name without `.md`: the crew's local time it happened, a slug, a suffix.
    pub id: String,
    pub path: String,
    pub text: String,
    message: String,
}

impl Draft {
    /// The change set that writes the entry as `text` (the draft's own, or what an editor left),
    /// refused when the text is not an entry watchbill can read.
    pub fn change_set(&self, text: String) -> Result<ChangeSet> {
        if text != self.text {
            parsed(&self.path, &text)
                .map_err(|d| Error::problems("the edited entry is not valid", vec![d]))?;
        }
        Ok(ChangeSet {
            message: self.message.clone(),
            changes: vec![FileWrite {
                path: self.path.clone(),
                contents: text.into_bytes(),
                base: Base::Absent,
            }],
        })
    }
}

const INCIDENT_BODY: &str = "## Timeline\n\n- \n\n## Cause\n\n\n## Resolution\n\n";

/// The new incident's draft, filed under the week of its start. `suffix` (random, four
/// characters) keeps two entries written at the same minute apart.
pub fn incident(
    model: &Model,
    now: DateTime<FixedOffset>,
    w: &Writer,
    a: &Incident,
    suffix: &str,
) -> Result<Draft> {
    // A handler not in the crew is the gate's to refuse (`unknown-member`, located), as `check`
    // reports it.
    let who = author(model, w)?;
    let mut times = a.times.clone();
    if !times.iter().any(|(n, _)| *n == "started") {
        times.insert(0, ("started", now));
    }
    let started = times.iter().find(|(n, _)| *n == "started").map_or(now, |(_, t)| *t);
    let handlers: Vec<String> = match a.handlers {
        [] => vec![who.to_string()],
        hs => hs.iter().map(ToString::to_string).collect(),
    };
    let new = NewEntry {
        kind: Kind::Incident,
        title: a.title,
        author: who.as_str(),
        at: None,
        severity: a.severity,
        services: a.services,
        times,
        tickets: a.tickets,
        handlers: &handlers,
        links: a.links,
        ongoing: false,
        body: a.body.unwrap_or(INCIDENT_BODY),
    };
    Ok(draft(model, &new, started, suffix))
}

/// The new note's draft, filed under the week of now.
pub fn note(model: &Model, now: DateTime<FixedOffset>, w: &Writer, a: &Note, suffix: &str) -> Result<Draft> {
    let who = author(model, w)?;
    let new = NewEntry {
        kind: Kind::Note,
        title: a.title,
        author: who.as_str(),
        at: Some(now),
        severity: None,
        services: &[],
        times: Vec::new(),
        tickets: None,
        handlers: &[],
        links: &[],
        ongoing: a.ongoing,
        body: a.body.unwrap_or_default(),
    };
    Ok(draft(model, &new, now, suffix))
}

/// An entry's id begins with the crew's local time of `when`, whatever offset it was given in.
fn draft(model: &Model, new: &NewEntry, when: DateTime<FixedOffset>, suffix: &str) -> Draft {
    let schedule = &model.settings.schedule;
    let week = schedule.week_at(&when);
    let id = format!("{}-{}-{suffix}", local_stamp(&when, schedule.tz), logbook::slug(new.title, 40));
    let kind = if new.kind == Kind::Incident { "incident" } else { "note" };
    Draft {
        path: format!("{}/{id}.md", logbook::week_dir(week)),
        text: entry_write::entry_text(new),
        message: format!("logbook: {kind} {:?} ({week})", new.title),
        id,
    }
}

/// The entry whose id is `id` or uniquely begins with it.
pub fn find<'m>(model: &'m Model, id: &str) -> Result<&'m Entry> {
    if let Some(e) = model.entries.iter().find(|e| e.id == id) {
        return Ok(e);
    }
    let matches: Vec<&Entry> = model.entries.iter().filter(|e| e.id.starts_with(id)).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::refused(format!("no logbook entry `{id}`"))
            .help("see `watchbill log list --since 2026-01-01`")),
        many => Err(Error::refused(format!(
            "`{id}` could be {} entries: {}",
            many.len(),
            many.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", ")
        ))
        .help("give more of the id")),
    }
}

/// What `log update` changes.
pub struct Update<'a> {
    /// The entry's id, or a unique beginning of it.
    pub id: &'a str,
    pub times: Times,
    pub tickets: Option<u32>,
    pub severity: Option<Severity>,
    /// Close ongoing work (at now).
    pub close: bool,
}

/// The change set of an update, computed on `current`, the entry's file as it is where the
/// write lands: only the fields given change, the body and comments are kept byte for byte,
/// and an entry whose time now falls in another week moves to that week's folder in the same
/// change (`check` would otherwise reject it as `wrong-week`).
pub fn update(
    model: &Model,
    now: DateTime<FixedOffset>,
    u: &Update,
    current: Option<Vec<u8>>,
) -> Result<ChangeSet> {
    let e = find(model, u.id)?;
    let mut fields: Vec<(&str, toml_edit::Value)> =
        u.times.iter().map(|(n, t)| (*n, entry_write::datetime(t))).collect();
    if let Some(n) = u.tickets {
        fields.push(("tickets", toml_edit::Value::from(i64::from(n))));
    }
    if let Some(s) = u.severity {
        fields.push(("severity", toml_edit::Value::from(entry_write::severity_str(s))));
    }
    if u.close {
        if !e.meta.ongoing {
            return Err(Error::refused(format!("`{}` is not ongoing work", e.id)));
        }
        fields.push(("closed", entry_write::datetime(&now)));
    }
    if fields.is_empty() {
        return Err(Error::usage("nothing to update")
            .help("give at least one of --restored, --fixed, --tickets, --close, …"));
    }
    let from = &e.origin.path;
    let Some(before) = current else { return Err(Error::refused(format!("{from} no longer exists"))) };
    let text =
        entry_write::set_fields(&String::from_utf8_lossy(&before), from, &fields).map_err(Error::refused)?;
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    let mut message = format!("logbook: update {:?}: {} ({})", e.meta.title, names.join(", "), e.week);
    let change = match week_of(model, from, &text).filter(|w| *w != e.week) {
        Some(week) => {
            message.push_str(&format!(", moved to {week}"));
            FileWrite {
                path: format!("{}/{}.md", logbook::week_dir(week), e.id),
                contents: text.into_bytes(),
                base: Base::Moved { from: from.clone(), bytes: before },
            }
        }
        None => FileWrite { path: from.clone(), contents: text.into_bytes(), base: Base::Bytes(before) },
    };
    Ok(ChangeSet { message, changes: vec![change] })
}

/// The week an entry's text files it under (the week of its `at`, else `started`, else
/// `detected`); `None` when the text does not say (the gate then reports why).
fn week_of(model: &Model, path: &str, text: &str) -> Option<IsoWeek> {
    let meta = parsed(path, text).ok()?;
    meta.when().map(|t| model.settings.schedule.week_at(&t.get_ref().0))
}

fn parsed(path: &str, text: &str) -> std::result::Result<EntryFile, crate::diagnostic::Diagnostic> {
    let (src, _) = crate::parse::front_matter(path, text)?;
    src.parse::<EntryFile>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RawFile;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("a time")
    }

    /// The example crew (Paris, handover Monday 10:00) at Monday 23 November 2026, 09:00.
    fn example() -> (Model, DateTime<FixedOffset>) {
        let now = t("2026-11-23T09:00:00+01:00");
        (crate::example::model(now), now)
    }

    fn alice() -> MemberId {
        "alice".parse().expect("an id")
    }

    /// The example with one incident started at `started`, and its id.
    fn with_incident(started: &str) -> (Model, DateTime<FixedOffset>, String) {
        let (mut m, now) = example();
        let who = alice();
        let w = Writer { given: Some(&who), git_email: None };
        let a = Incident {
            title: "Login 502",
            severity: None,
            services: &[],
            times: vec![("started", t(started))],
            tickets: None,
            handlers: &[],
            links: &[],
            body: Some("x"),
        };
        let d = incident(&m, now, &w, &a, "abcd").expect("a draft");
        let set = d.change_set(d.text.clone()).expect("valid");
        let paths = [d.path.clone()].into_iter().collect();
        m.replace_files(
            &paths,
            vec![RawFile { path: d.path.clone(), bytes: set.changes[0].contents.clone() }],
        );
        (m, now, d.id)
    }

    #[test]
    fn an_id_is_the_crews_local_time_and_the_folder_its_watch() {
        let (_, now, id) = with_incident("2026-11-23T07:30:00+00:00");
        assert_eq!(id, "20261123T0830-login-502-abcd");
        // 08:30 on Monday is before the 10:00 handover: the watch of the week before.
        let (m, ..) = example();
        let who = alice();
        let w = Writer { given: Some(&who), git_email: None };
        let d = note(&m, now, &w, &Note { title: "Q", ongoing: false, body: None }, "wxyz").expect("a note");
        assert_eq!(d.path, "logbook/2026-W47/20261123T0900-q-wxyz.md");
    }

    #[test]
    fn an_update_into_another_week_moves_the_file() {
        let (m, now, id) = with_incident("2026-11-23T10:30:00+01:00");
        let e = find(&m, &id).expect("found");
        assert_eq!(e.week.to_string(), "2026-W48");
        let current = m.source(&e.origin.path).map(|s| s.as_bytes().to_vec());
        let u = |times| Update { id: &id, times, tickets: None, severity: None, close: false };
        let set = update(&m, now, &u(vec![("started", t("2026-11-10T07:00:00+01:00"))]), current.clone())
            .expect("a change");
        let c = &set.changes[0];
        assert_eq!(c.path, format!("logbook/2026-W46/{id}.md"));
        assert_eq!(c.base.moved_from(), Some(e.origin.path.as_str()));
        assert!(set.message.ends_with("moved to 2026-W46"), "{}", set.message);
        // Within the same watch, the file stays where it is.
        let set = update(&m, now, &u(vec![("restored", t("2026-11-23T11:00:00+01:00"))]), current)
            .expect("a change");
        assert_eq!(set.changes[0].path, e.origin.path);
        assert!(matches!(set.changes[0].base, Base::Bytes(_)));
    }

    #[test]
    fn an_author_comes_from_as_or_from_gits_email() {
        let (m, _) = example();
        let from_email = author(&m, &Writer { given: None, git_email: Some("alice@example.org") });
        assert_eq!(from_email.map_err(|e| e.message).expect("alice"), alice());
        let nobody = author(&m, &Writer { given: None, git_email: None }).expect_err("nobody");
        assert!(nobody.message.contains("git has no user.email"), "{}", nobody.message);
        let ghost: MemberId = "ghost".parse().expect("an id");
        assert!(author(&m, &Writer { given: Some(&ghost), git_email: None }).is_err());
    }
}
