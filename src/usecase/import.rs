//! `watchbill import`: a paging tool's alerts → new logbook entries and updated front matter.
//!
//! Pure: the model, the alerts [`crate::import::read`] gave, and a reader of the entries'
//! current text in; a change set out. An alert already imported (an entry whose `source` is
//! the alert's) is updated in place; one not yet imported becomes an entry filed under the
//! watch its trigger falls in.
//!
//! **Idempotence.** The entry's file name is derived from the alert alone (its time, title and
//! a hash of its source), and an update writes only fields whose value changes, so importing
//! the same export again changes nothing and makes no commit.
//!
//! **A person's edits.** The fields an import keeps up to date (`severity`, `acknowledged`,
//! `restored`) are also recorded as last imported, in `imported = { … }`. A field whose value
//! differs from its last imported value was changed by a person and is never overwritten; a
//! field that still holds what the import wrote, or is absent, takes the tool's new value.
//! Everything else (the title, the services, the body) is written once, at creation.

use crate::ids::MemberId;
use crate::import::{self, Alert, ImportError, Place, Problem, Tool};
use crate::model::logbook::write::{self as entry_write, NewEntry};
use crate::model::logbook::{self, EntryFile, Imported, Kind, Severity};
use crate::model::{rota, Model};
use crate::store::{Base, ChangeSet, FileWrite};
use crate::time::IsoWeek;
use crate::time::Timestamp;
use chrono::{DateTime, FixedOffset, Timelike};
use std::collections::BTreeMap;
use toml_edit::{InlineTable, Value};

/// A member on call for at least this long during a week's watch was one of its captains
/// (`import --schedule`): a pager's day and night shifts, or a swap of a few hours, do not make
/// a captaincy.
pub const CAPTAIN_SECONDS: i64 = 24 * 3600;

/// What a schedule import does: past rota weeks to add.
#[derive(Debug, Default)]
pub struct SchedulePlan {
    pub changes: Vec<FileWrite>,
    /// Weeks added, with their captains.
    pub added: Vec<(IsoWeek, Vec<MemberId>)>,
    /// Weeks the rota already has with another crew: never rewritten.
    pub differ: Vec<(IsoWeek, Vec<MemberId>)>,
    /// Weeks the rota already has with the same crew.
    pub unchanged: usize,
    /// Weeks whose watch is not over at `now`: the rota plans those.
    pub not_over: usize,
    /// Members who were captains of a week whose watch is over and whom crew.toml does not yet
    /// declare `experienced`: the import declares them (they have served, before watchbill).
    pub experienced: Vec<MemberId>,
}

/// Past rota weeks from a tool's final schedule: each week whose watch ended by `now` and that
/// the rota does not have gets the members on call for at least [`CAPTAIN_SECONDS`] of it,
/// longest first, as a confirmed week.
pub fn schedule(
    model: &Model,
    tool: Tool,
    shifts: &[import::Shift],
    now: DateTime<FixedOffset>,
) -> Result<SchedulePlan, ImportError> {
    let sched = model.settings.schedule;
    let mut on_call: BTreeMap<IsoWeek, BTreeMap<String, i64>> = BTreeMap::new();
    for s in shifts {
        let who = member(model, tool, &s.user)?;
        let last = sched.week_at(&(s.end - chrono::Duration::seconds(1)).max(s.start));
        for week in sched.week_at(&s.start).through(last) {
            let (from, to) = sched.span(week);
            let (from, to) = (from.fixed_offset().max(s.start), to.fixed_offset().min(s.end));
            if to > from {
                *on_call.entry(week).or_default().entry(who.clone()).or_default() +=
                    (to - from).num_seconds();
            }
        }
    }
    let mut plan = SchedulePlan::default();
    for (week, seconds) in on_call {
        if sched.handover(week.next()).fixed_offset() > now {
            plan.not_over += 1;
            continue;
        }
        let mut ranked: Vec<(String, i64)> =
            seconds.into_iter().filter(|(_, s)| *s >= CAPTAIN_SECONDS).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let crew: Vec<MemberId> = ranked.into_iter().filter_map(|(m, _)| MemberId::new(&m).ok()).collect();
        if crew.is_empty() {
            continue;
        }
        for m in &crew {
            let declared = model.crew.member(m.as_str()).is_some_and(|x| x.experienced);
            if !declared && !plan.experienced.contains(m) {
                plan.experienced.push(m.clone());
            }
        }
        match model.rota.get(&week) {
            Some(r) if r.crew == crew => plan.unchanged += 1,
            Some(_) => plan.differ.push((week, crew)),
            None => {
                let text = rota::to_toml(week, rota::Status::Confirmed, &crew, &[]);
                plan.changes.push(FileWrite {
                    path: rota::path(week),
                    contents: text.into_bytes(),
                    base: Base::Absent,
                });
                plan.added.push((week, crew));
            }
        }
    }
    Ok(plan)
}

/// The commit message's lines for the weeks a schedule import adds and the members it
/// declares experienced.
pub fn schedule_message(tool: Tool, plan: &SchedulePlan) -> String {
    let mut m =
        format!("import: {} past rota week(s) from {}'s schedule\n\n", plan.added.len(), tool.title());
    for (week, crew) in &plan.added {
        let names: Vec<&str> = crew.iter().map(MemberId::as_str).collect();
        m.push_str(&format!("- {week}: {}\n", names.join(", ")));
    }
    if !plan.experienced.is_empty() {
        let names: Vec<&str> = plan.experienced.iter().map(MemberId::as_str).collect();
        m.push_str(&format!("- experienced (captains in the tool's past weeks): {}\n", names.join(", ")));
    }
    m
}

/// crew.toml with `experienced = true` set on the plan's members, edited in place (comments
/// and layout kept); `None` when nobody is to be declared.
pub fn experience_change(plan: &SchedulePlan, current: Current) -> crate::error::Result<Option<FileWrite>> {
    if plan.experienced.is_empty() {
        return Ok(None);
    }
    let path = crate::model::crew::FILE;
    let before = current(path)?.ok_or_else(|| crate::error::Error::usage(format!("{path} is missing")))?;
    let text = String::from_utf8_lossy(&before);
    let after = crate::model::crew::edit::set_experienced(&text, &plan.experienced)
        .map_err(|e| crate::error::Error::usage(format!("{path}: {e}")))?;
    Ok(Some(FileWrite { path: path.into(), contents: after.into_bytes(), base: Base::Bytes(before) }))
}

/// What an import does.
#[derive(Debug, Default)]
pub struct Plan {
    pub set: ChangeSet,
    /// New entries: id, source, title.
    pub added: Vec<(String, String, String)>,
    /// Updated entries: id, source, the fields set.
    pub updated: Vec<(String, String, Vec<&'static str>)>,
    /// Fields a person changed and the import left alone: entry id, field.
    pub kept: Vec<(String, &'static str)>,
    /// Alerts already up to date.
    pub unchanged: usize,
    /// Alerts triggered before `--since`.
    pub skipped: usize,
}

/// The files an import reads besides the model: an entry's current text by path.
pub type Current<'a> = &'a dyn Fn(&str) -> crate::error::Result<Option<Vec<u8>>>;

pub fn import(
    model: &Model,
    tool: Tool,
    alerts: &[Alert],
    author: &str,
    since: Option<DateTime<FixedOffset>>,
    current: Current,
) -> Result<Plan, crate::error::Error> {
    let mut plan = Plan::default();
    for a in alerts {
        if since.is_some_and(|s| a.triggered < s) {
            plan.skipped += 1;
            continue;
        }
        let fields = fields(model, a).map_err(to_error)?;
        let source = a.source();
        match model.entries.iter().find(|e| e.meta.source.as_ref().is_some_and(|s| *s.get_ref() == source)) {
            None => {
                let (path, id, text) = new_entry(model, a, &fields, author);
                plan.set.changes.push(FileWrite { path, contents: text.into_bytes(), base: Base::Absent });
                plan.added.push((id, source, a.title.clone()));
            }
            Some(e) => {
                let path = e.origin.path.clone();
                let Some(before) = current(&path)? else {
                    // Deleted since the model was read: a person removed it; do not bring it back.
                    plan.unchanged += 1;
                    continue;
                };
                let text = String::from_utf8_lossy(&before).into_owned();
                let meta = parse_meta(&path, &text)?;
                let update = update(&meta, &fields);
                plan.kept.extend(update.kept.iter().map(|f| (e.id.clone(), *f)));
                if update.set.is_empty() && update.imported == meta.imported.clone().unwrap_or_default() {
                    plan.unchanged += 1;
                    continue;
                }
                let mut values: Vec<(&str, Value)> =
                    update.set.iter().map(|(k, v)| (*k, v.clone())).collect();
                values.push(("imported", imported_value(&update.imported)));
                let after = entry_write::set_fields(&text, &path, &values)
                    .map_err(|m| crate::error::Error::refused(format!("{path}: {m}")))?;
                if after == text {
                    plan.unchanged += 1;
                    continue;
                }
                plan.set.changes.push(FileWrite {
                    path,
                    contents: after.into_bytes(),
                    base: Base::Bytes(before),
                });
                plan.updated.push((e.id.clone(), source, update.set.iter().map(|(k, _)| *k).collect()));
            }
        }
    }
    plan.set.message = message(tool, &plan);
    Ok(plan)
}

/// An alert's values as the crew's files write them.
struct Fields {
    triggered: DateTime<FixedOffset>,
    acknowledged: Option<DateTime<FixedOffset>>,
    restored: Option<DateTime<FixedOffset>>,
    severity: Option<Severity>,
    services: Vec<String>,
    handlers: Vec<String>,
}

fn fields(model: &Model, a: &Alert) -> Result<Fields, ImportError> {
    let local = |t: DateTime<FixedOffset>| {
        let t = t.with_nanosecond(0).unwrap_or(t);
        t.with_timezone(&model.settings.schedule.tz).fixed_offset()
    };
    let rules = &model.settings.import;
    let severity = match &a.priority {
        None => None,
        Some((p, place)) => Some(import::severity(&rules.severity, p).ok_or_else(|| {
            unmatched(place, format!("no severity for the {} priority {p:?}", a.tool.title())).help(format!(
                "add `{} = \"major\"` (critical, major or minor) under [import.severity] in watchbill.toml",
                toml_key(p)
            ))
        })?),
    };
    let services = match &a.service {
        None => Vec::new(),
        Some(s) => {
            let found = [&s.id, &s.name]
                .into_iter()
                .flatten()
                .find_map(|k| rules.services.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()));
            let Some(name) = found else {
                let key = s.id.as_ref().or(s.name.as_ref()).map_or("?".to_string(), |k| toml_key(k));
                let named = s.name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
                return Err(unmatched(
                    &s.place,
                    format!(
                        "the {} service {}{named} is not mapped to a service of the crew",
                        a.tool.title(),
                        key
                    ),
                )
                .help(format!("add `{key} = \"<service>\"` under [import.services] in watchbill.toml")));
            };
            vec![name]
        }
    };
    let handlers = match &a.acknowledger {
        None => Vec::new(),
        Some(u) => vec![member(model, a.tool, u)?],
    };
    Ok(Fields {
        triggered: local(a.triggered),
        acknowledged: a.acknowledged.map(local),
        restored: a.resolved.map(local),
        severity,
        services,
        handlers,
    })
}

/// The member a tool's user is: by e-mail, then by the member's id for that tool in crew.toml.
fn member(model: &Model, tool: Tool, u: &import::UserRef) -> Result<String, ImportError> {
    let by_email = u.email.as_deref().and_then(|e| model.crew.by_email(e));
    let by_id = || {
        let id = u.id.as_deref()?;
        model.crew.members.iter().find(|m| tool.member_id(m) == Some(id))
    };
    match by_email.or_else(by_id) {
        Some(m) => Ok(m.id().to_string()),
        None => {
            let who =
                [&u.name, &u.email, &u.id].into_iter().flatten().cloned().collect::<Vec<_>>().join(", ");
            Err(unmatched(&u.place, format!("the {} user {who} is no member of the crew", tool.title()))
                .help(format!(
                    "give the member their {} e-mail in crew.toml, or add `{} = {:?}` to their [[member]]",
                    tool.title(),
                    tool.member_field(),
                    u.id.as_deref().unwrap_or("<user id>")
                )))
        }
    }
}

fn unmatched(place: &Place, message: String) -> ImportError {
    ImportError { problem: Problem::Unmatched, place: place.clone(), message, help: None }
}

/// A TOML key as written in a table: bare when it can be.
fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

/// The error a command stops with, from an import problem.
pub fn to_error(e: ImportError) -> crate::error::Error {
    let err = match e.problem {
        Problem::Malformed => crate::error::Error::usage(e.to_string()),
        Problem::Unmatched => crate::error::Error::refused(e.to_string()),
    };
    match e.help {
        Some(h) => err.help(h),
        None => err,
    }
}

/// A short stable hash of the source, so two clones importing one alert name its file alike.
fn stable_suffix(source: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    // FNV-1a: the same on every machine and every Rust version, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // A final mix (splitmix64's), so ids that differ in their last character differ in all four.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (0..4)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize] as char;
            h /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

fn new_entry(model: &Model, a: &Alert, f: &Fields, author: &str) -> (String, String, String) {
    let week = model.settings.schedule.week_at(&f.triggered);
    let id = format!(
        "{}-{}-{}",
        f.triggered.format("%Y%m%dT%H%M"),
        logbook::slug(&a.title, 40),
        stable_suffix(&a.source())
    );
    let path = format!("{}/{id}.md", logbook::week_dir(week));
    let mut times = vec![("started", f.triggered), ("detected", f.triggered), ("alerted", f.triggered)];
    times.extend(f.acknowledged.map(|t| ("acknowledged", t)));
    times.extend(f.restored.map(|t| ("restored", t)));
    let links = &model.settings.import.links;
    let base = match a.tool {
        Tool::Opsgenie => links.opsgenie.as_ref(),
        Tool::Goalert => links.goalert.as_ref(),
        Tool::Pagerduty | Tool::GrafanaOncall => None,
    };
    let base = base.map(|b| b.get_ref().trim_end_matches('/'));
    let link = a.link.clone().or_else(|| base.and_then(|b| import::alert_url(a.tool, b, &a.id)));
    let links: Vec<String> = link.into_iter().collect();
    let body = format!(
        "Imported from {} (`{}`).\n\n## Timeline\n\n- \n\n## Cause\n\n\n## Resolution\n\n",
        a.tool.title(),
        a.source()
    );
    let text = entry_write::entry_text(&NewEntry {
        kind: Kind::Incident,
        title: &a.title,
        author,
        at: None,
        severity: f.severity,
        services: &f.services,
        times,
        tickets: None,
        handlers: &f.handlers,
        links: &links,
        ongoing: false,
        body: &body,
    });
    let imported = Imported {
        severity: f.severity,
        acknowledged: f.acknowledged.map(Timestamp),
        restored: f.restored.map(Timestamp),
    };
    let extra = [("source", Value::from(a.source())), ("imported", imported_value(&imported))];
    // The text was just written with a front matter, so setting fields on it cannot fail.
    let text = entry_write::set_fields(&text, &path, &extra).unwrap_or(text);
    (path, id, text)
}

fn imported_value(i: &Imported) -> Value {
    let mut t = InlineTable::new();
    if let Some(s) = i.severity {
        t.insert("severity", Value::from(entry_write::severity_str(s)));
    }
    if let Some(a) = &i.acknowledged {
        t.insert("acknowledged", entry_write::datetime(&a.0));
    }
    if let Some(r) = &i.restored {
        t.insert("restored", entry_write::datetime(&r.0));
    }
    Value::InlineTable(t)
}

fn parse_meta(path: &str, text: &str) -> crate::error::Result<EntryFile> {
    let invalid = |d| crate::error::Error::problems(format!("{path} is not a valid entry"), vec![d]);
    let (src, _) = crate::parse::front_matter(path, text).map_err(invalid)?;
    src.parse::<EntryFile>().map_err(invalid)
}

struct Update {
    set: Vec<(&'static str, Value)>,
    kept: Vec<&'static str>,
    imported: Imported,
}

/// The fields to set on an imported entry: those the tool changed that a person did not.
fn update(meta: &EntryFile, f: &Fields) -> Update {
    let last = meta.imported.clone().unwrap_or_default();
    let mut out = Update { set: Vec::new(), kept: Vec::new(), imported: last.clone() };
    let cur = |t: &Option<toml::Spanned<Timestamp>>| t.as_ref().map(|t| *t.get_ref());
    let times = [
        ("acknowledged", cur(&meta.acknowledged), last.acknowledged, f.acknowledged.map(Timestamp)),
        ("restored", cur(&meta.restored), last.restored, f.restored.map(Timestamp)),
    ];
    for (name, now, was, new) in times {
        let Some(new) = new else { continue };
        if name == "acknowledged" {
            out.imported.acknowledged = Some(new);
        } else {
            out.imported.restored = Some(new);
        }
        match now {
            Some(n) if n == new => {}
            Some(n) if Some(n) != was => out.kept.push(name),
            _ => out.set.push((name, entry_write::datetime(&new.0))),
        }
    }
    if let Some(new) = f.severity {
        out.imported.severity = Some(new);
        match meta.severity {
            Some(n) if n == new => {}
            Some(n) if Some(n) != last.severity => out.kept.push("severity"),
            _ => out.set.push(("severity", Value::from(entry_write::severity_str(new)))),
        }
    }
    out
}

fn message(tool: Tool, plan: &Plan) -> String {
    let mut m = format!(
        "import: {} from {} ({} added, {} updated)\n",
        plural(plan.added.len() + plan.updated.len(), "incident"),
        tool.title(),
        plan.added.len(),
        plan.updated.len()
    );
    if !plan.added.is_empty() {
        m.push_str("\nAdded:\n");
        for (id, source, title) in &plan.added {
            m.push_str(&format!("- {id} ({source}): {title}\n"));
        }
    }
    if !plan.updated.is_empty() {
        m.push_str("\nUpdated:\n");
        for (id, source, fields) in &plan.updated {
            let what = if fields.is_empty() { "last imported values".to_string() } else { fields.join(", ") };
            m.push_str(&format!("- {id} ({source}): {what}\n"));
        }
    }
    m
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_stable_and_safe() {
        let s = stable_suffix("pagerduty:Q1PD0001");
        assert_eq!(s, stable_suffix("pagerduty:Q1PD0001"));
        assert_ne!(s, stable_suffix("pagerduty:Q1PD0002"));
        assert!(logbook::valid_entry_id(&format!("20261123T1002-x-{s}")));
    }
}
