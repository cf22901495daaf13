//! `watchbill log …`, `watchbill status`.

use super::{output, Ctx, ListFormat, ReadArgs, Session, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::MemberId;
use crate::model::logbook::write::{self as entry_write, NewEntry};
use crate::model::logbook::{self, Entry, Kind, Severity};
use crate::model::{Model, Needs, Weeks};
use crate::report::{self, sorted};
use crate::store::{self, Base, Change, ChangeSet};
use crate::time::{self, parse_time, rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use clap::{Args, Subcommand};
use std::path::Path;

/// The logbook: incidents and notes, recorded from the terminal.
#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// Record an incident.
    #[command(after_help = "Examples:
  watchbill log incident \"API latency above 2 s\" --severity major --service api
  watchbill log incident \"Login 502\" --started \"2026-11-23 10:02\" --restored now -m \"Restarted the pods\"
  watchbill log incident \"DB full\" --as alice --tickets 4          (author is not git's user.email)

Times accept `now`, `2026-11-23 10:02` (crew's time zone) or RFC 3339.
Without -m, $VISUAL or $EDITOR opens on the entry; an empty file aborts.")]
    Incident(IncidentArgs),
    /// Record a note; --ongoing marks ongoing work (a worksite) until closed.
    #[command(after_help = "Examples:
  watchbill log note \"Alert on queue depth added\" -m \"Threshold 500, pages the captains\"
  watchbill log note \"Upgrade PostgreSQL to 16\" --ongoing")]
    Note(NoteArgs),
    /// Update an entry's front matter in place (the body and comments are kept byte for byte).
    #[command(after_help = "Examples:
  watchbill log update 20261123T1002-api-latency-k3x9 --restored now
  watchbill log update 20261123T1002 --fixed \"2026-11-30 16:00\" --tickets 4
  watchbill log update 20261101T0930-upgrade-postgresql-16-ab12 --close")]
    Update(UpdateArgs),
    /// List entries.
    #[command(after_help = "Examples:
  watchbill log list                      this week's watch
  watchbill log list --week 2026-W47
  watchbill log list --since 2026-10-01 --open --format json")]
    List(LogListArgs),
    /// Show one entry.
    #[command(
        after_help = "Examples:\n  watchbill log show 20261123T1002-api-latency-k3x9\n  watchbill log show 20261123T1002"
    )]
    Show(ShowArgs),
}

#[derive(Args, Debug)]
pub struct TimeArgs {
    /// When the impact began (default: now).
    #[arg(long, value_name = "TIME")]
    pub started: Option<String>,
    /// When the first alert fired.
    #[arg(long, value_name = "TIME")]
    pub detected: Option<String>,
    /// When the on-call was notified.
    #[arg(long, value_name = "TIME")]
    pub alerted: Option<String>,
    #[arg(long, value_name = "TIME")]
    pub acknowledged: Option<String>,
    /// When the service worked again.
    #[arg(long, value_name = "TIME")]
    pub restored: Option<String>,
    /// When the permanent fix shipped.
    #[arg(long, value_name = "TIME")]
    pub fixed: Option<String>,
}

impl TimeArgs {
    fn given(&self) -> [(&'static str, Option<&String>); 6] {
        [
            ("started", self.started.as_ref()),
            ("detected", self.detected.as_ref()),
            ("alerted", self.alerted.as_ref()),
            ("acknowledged", self.acknowledged.as_ref()),
            ("restored", self.restored.as_ref()),
            ("fixed", self.fixed.as_ref()),
        ]
    }
}

#[derive(Args, Debug)]
pub struct IncidentArgs {
    pub title: String,
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// A service affected (repeat for several).
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    #[command(flatten)]
    pub times: TimeArgs,
    /// Support tickets the incident caused.
    #[arg(long)]
    pub tickets: Option<u32>,
    /// A member who handled it (repeat for several; default: the author).
    #[arg(long = "handler", value_name = "MEMBER")]
    pub handlers: Vec<MemberId>,
    /// A link (status page, ticket, dashboard); repeat for several.
    #[arg(long = "link", value_name = "URL")]
    pub links: Vec<String>,
    /// The text (timeline, cause, resolution); without it, $EDITOR opens.
    #[arg(short = 'm', long = "message")]
    pub message: Option<String>,
    /// Write as this member (default: the member whose e-mail is git's user.email).
    #[arg(long = "as", value_name = "MEMBER")]
    pub author: Option<MemberId>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum SeverityArg {
    Critical,
    Major,
    Minor,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::Major => Severity::Major,
            SeverityArg::Minor => Severity::Minor,
        }
    }
}

#[derive(Args, Debug)]
pub struct NoteArgs {
    pub title: String,
    /// Ongoing work (a worksite) until closed with `log update ID --close`.
    #[arg(long)]
    pub ongoing: bool,
    #[arg(short = 'm', long = "message")]
    pub message: Option<String>,
    #[arg(long = "as", value_name = "MEMBER")]
    pub author: Option<MemberId>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    /// The entry's id (its file name without .md), or a unique beginning of it.
    pub id: String,
    #[command(flatten)]
    pub times: TimeArgs,
    #[arg(long)]
    pub tickets: Option<u32>,
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// Close ongoing work.
    #[arg(long)]
    pub close: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct LogListArgs {
    /// Only this week's entries (default: the current week).
    #[arg(long, conflicts_with = "since")]
    pub week: Option<IsoWeek>,
    /// Entries from this date on (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<NaiveDate>,
    /// Only what is open: incidents not restored or not fixed, ongoing work not closed.
    #[arg(long)]
    pub open: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    pub id: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(ctx: &Ctx, cmd: LogCommand) -> Result<Exit> {
    match cmd {
        LogCommand::Incident(a) => incident(ctx, a),
        LogCommand::Note(a) => note(ctx, a),
        LogCommand::Update(a) => update(ctx, a),
        LogCommand::List(a) => list(ctx, a),
        LogCommand::Show(a) => show(ctx, a),
    }
}

/// The member writing: `--as`, else the member whose e-mail is git's.
pub(super) fn author(root: &Path, model: &Model, given: Option<&MemberId>) -> Result<MemberId> {
    if let Some(id) = given {
        if !model.member_exists(id) {
            return Err(
                Error::refused(format!("`{id}` is not in crew.toml")).help("see `watchbill crew list`")
            );
        }
        return Ok(id.clone());
    }
    let email = store::git_email(root)?;
    match email.as_deref().and_then(|e| model.crew.by_email(e)) {
        Some(m) => Ok(m.id().clone()),
        None => Err(Error::usage(format!(
            "no member of the crew has the e-mail {}",
            email.as_deref().unwrap_or("(git has no user.email)")
        ))
        .help("pass --as MEMBER, or set your e-mail in crew.toml (`watchbill crew edit ID --email …`)")),
    }
}

fn time(model: &Model, now: DateTime<FixedOffset>, flag: &str, s: &str) -> Result<DateTime<FixedOffset>> {
    parse_time(s, model.settings.schedule.tz, now).map_err(|e| Error::usage(format!("--{flag}: {e}")))
}

/// Four random characters: two people writing at the same minute never pick the same name.
pub(super) fn suffix() -> String {
    crate::random::Random::from_entropy().suffix()
}

/// Opens git's editor (see [`store::editor`]) on `text`; `None` when the user left the file empty (abort).
pub fn edit(root: &Path, text: &str, name: &str) -> Result<Option<String>> {
    let editor = store::editor(root);
    let edited = store::edit_in_editor(
        &editor,
        text,
        &format!("watchbill-{}-{}", std::process::id(), suffix()),
        name,
    )?;
    Ok(Some(edited).filter(|t| !t.trim().is_empty()))
}

/// Whether to open an editor: no -m, and a terminal or an editor configured.
fn wants_editor(message: &Option<String>) -> bool {
    use std::io::IsTerminal;
    message.is_none()
        && (std::io::stdin().is_terminal()
            || ["GIT_EDITOR", "VISUAL", "EDITOR"].iter().any(|v| std::env::var_os(v).is_some()))
}

/// Writes a new entry (after the editor, if any), checking what the editor left.
fn write_entry(
    ctx: &Ctx,
    root: &Path,
    model: &Model,
    new: &NewEntry,
    when: DateTime<FixedOffset>,
    editor: bool,
    write: &WriteArgs,
) -> Result<Exit> {
    let week = model.settings.schedule.week_at(&when);
    let stamp = crate::ids::local_stamp(&when, model.settings.schedule.tz);
    let name = format!("{stamp}-{}-{}", logbook::slug(new.title, 40), suffix());
    let path = format!("{}/{name}.md", logbook::week_dir(week));
    let mut text = entry_write::entry_text(new);
    if editor {
        match edit(root, &text, &format!("{name}.md"))? {
            Some(t) => text = t,
            None => return Err(Error::refused("the entry was left empty: nothing was written")),
        }
        let (src, _) = crate::parse::front_matter(&path, &text)
            .map_err(|d| Error::problems("the edited entry is not valid", vec![d]))?;
        src.parse::<logbook::EntryFile>()
            .map_err(|d| Error::problems("the edited entry is not valid", vec![d]))?;
    }
    let kind = if new.kind == Kind::Incident { "incident" } else { "note" };
    let message = format!("logbook: {kind} {:?} ({week})", new.title);
    let set = ChangeSet {
        message,
        changes: vec![Change { path: path.clone(), contents: text.into_bytes(), base: Base::Absent }],
    };
    ctx.write(root, &set, write)?;
    outln!("id: {name}");
    Ok(Exit::Ok)
}

const INCIDENT_BODY: &str = "## Timeline\n\n- \n\n## Cause\n\n\n## Resolution\n\n";

fn incident(ctx: &Ctx, a: IncidentArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::CREW)?;
    let now = ctx.now(&model)?;
    let who = author(&root, &model, a.author.as_ref())?;
    for h in &a.handlers {
        if !model.member_exists(h) {
            return Err(Error::refused(format!("handler `{h}` is not in crew.toml")));
        }
    }
    let mut times = Vec::new();
    for (name, value) in a.times.given() {
        let t = match (name, value) {
            (_, Some(s)) => time(&model, now, name, s)?,
            ("started", None) => now,
            _ => continue,
        };
        times.push((name, t));
    }
    let started = times.iter().find(|(n, _)| *n == "started").map_or(now, |(_, t)| *t);
    if let Some((n, t)) = times.iter().find(|(_, t)| *t < started) {
        return Err(Error::usage(format!(
            "--{n} ({}) is before --started ({})",
            rfc3339(t),
            rfc3339(&started)
        )));
    }
    let handlers: Vec<String> = if a.handlers.is_empty() {
        vec![who.to_string()]
    } else {
        a.handlers.iter().map(|h| h.to_string()).collect()
    };
    let editor = wants_editor(&a.message);
    let body = a.message.clone().unwrap_or_else(|| INCIDENT_BODY.to_string());
    let new = NewEntry {
        kind: Kind::Incident,
        title: &a.title,
        author: who.as_str(),
        at: None,
        severity: a.severity.map(Severity::from),
        services: &a.services,
        times,
        tickets: a.tickets,
        handlers: &handlers,
        links: &a.links,
        ongoing: false,
        body: &body,
    };
    write_entry(ctx, &root, &model, &new, started, editor, &a.write)
}

fn note(ctx: &Ctx, a: NoteArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::CREW)?;
    let now = ctx.now(&model)?;
    let who = author(&root, &model, a.author.as_ref())?;
    let editor = wants_editor(&a.message);
    let body = a.message.clone().unwrap_or_default();
    let new = NewEntry {
        kind: Kind::Note,
        title: &a.title,
        author: who.as_str(),
        at: Some(now),
        severity: None,
        services: &[],
        times: Vec::new(),
        tickets: None,
        handlers: &[],
        links: &[],
        ongoing: a.ongoing,
        body: &body,
    };
    write_entry(ctx, &root, &model, &new, now, editor, &a.write)
}

/// The entry whose id is `id` or uniquely begins with it.
fn find<'m>(model: &'m Model, id: &str) -> Result<&'m Entry> {
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

/// Loads the logbook weeks that hold the entry `id` names: an id begins with the entry's time
/// (`20261123T1002-…`), so the weeks around that day hold it. Any other id, or one not found
/// there, reads every week.
fn session_for_entry(ctx: &Ctx, read: Option<&ReadArgs>, id: &str) -> Result<Session> {
    let mut session = ctx.session(read)?;
    let day = id.get(..8).and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
    if let Some(week) = day.map(IsoWeek::of) {
        // The time in the id may be in another offset than the crew's: a day either way.
        session.read(Needs::logbook_in(Weeks::between(week.prev(), week.next())))?;
        if find(&session.model, id).is_ok() {
            return Ok(session);
        }
    }
    session.read(Needs::logbook_in(Weeks::ALL))?;
    Ok(session)
}

fn update(ctx: &Ctx, a: UpdateArgs) -> Result<Exit> {
    let Session { root, model, now, .. } = session_for_entry(ctx, None, &a.id)?;
    let e = find(&model, &a.id)?;
    let mut fields = Vec::new();
    for (name, value) in a.times.given() {
        if let Some(s) = value {
            fields.push((name, entry_write::datetime(&time(&model, now, name, s)?)));
        }
    }
    if let Some(n) = a.tickets {
        fields.push(("tickets", toml_edit::Value::from(i64::from(n))));
    }
    if let Some(s) = a.severity {
        fields.push(("severity", toml_edit::Value::from(entry_write::severity_str(s.into()))));
    }
    if a.close {
        if !e.meta.ongoing {
            return Err(Error::refused(format!("`{}` is not ongoing work", e.id)));
        }
        fields.push(("closed", entry_write::datetime(&now)));
    }
    if fields.is_empty() {
        return Err(Error::usage("nothing to update")
            .help("give at least one of --restored, --fixed, --tickets, --close, …"));
    }
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    let message = format!("logbook: update {:?}: {} ({})", e.meta.title, names.join(", "), e.week);
    let path = e.origin.path.clone();
    ctx.edit_file(&root, &a.write, &path, None, &message, |text| {
        entry_write::set_fields(text, &path, &fields).map_err(Error::refused)
    })?;
    Ok(Exit::Ok)
}

#[derive(serde::Serialize)]
pub struct EntryView<'a> {
    pub id: &'a str,
    pub week: IsoWeek,
    pub kind: Kind,
    pub title: &'a str,
    pub author: &'a MemberId,
    pub at: Option<String>,
    pub severity: Option<Severity>,
    pub services: &'a [String],
    pub times: std::collections::BTreeMap<&'static str, String>,
    pub tickets: Option<u32>,
    pub open: bool,
    pub path: &'a str,
}

pub fn entry_view(e: &Entry) -> EntryView<'_> {
    EntryView {
        id: &e.id,
        week: e.week,
        kind: e.meta.kind,
        title: &e.meta.title,
        author: e.meta.author.get_ref(),
        at: e.meta.when().map(|t| rfc3339(&t.get_ref().0)),
        severity: e.meta.severity,
        services: &e.meta.services,
        times: e
            .meta
            .timestamps()
            .into_iter()
            .filter_map(|(n, t)| t.map(|t| (n, rfc3339(&t.get_ref().0))))
            .collect(),
        tickets: e.meta.tickets,
        open: e.is_open(),
        path: &e.origin.path,
    }
}

fn line(e: &Entry) -> String {
    let when = e.meta.when().map_or(String::new(), |t| t.get_ref().0.format("%a %d %b %H:%M").to_string());
    let kind = match e.meta.kind {
        Kind::Incident => "incident",
        Kind::Note if e.meta.ongoing => "worksite",
        Kind::Note => "note",
    };
    let state = if e.is_open() { "  [open]" } else { "" };
    format!("{when}  {kind:8}  {}  ({}){state}\n    {}", e.meta.title, e.meta.author.get_ref(), e.id)
}

fn list(ctx: &Ctx, a: LogListArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    let schedule = session.model.settings.schedule;
    let week = a.week.unwrap_or_else(|| schedule.week_at(&session.now));
    // An entry is filed under the week of its time: those from DATE on are in the week folders
    // from the week of DATE's first minute on.
    let weeks = match a.since {
        Some(d) => {
            Weeks::since(schedule.week_at(&time::resolve_local(schedule.tz, d.and_time(NaiveTime::MIN))))
        }
        None => Weeks::between(week, week),
    };
    session.read(Needs::logbook_in(weeks))?;
    let model = session.model;
    let entries = sorted(
        model
            .entries
            .iter()
            .filter(|e| match a.since {
                Some(d) => {
                    e.meta.when().is_some_and(|t| model.settings.schedule.local_date(&t.get_ref().0) >= d)
                }
                None => e.week == week,
            })
            .filter(|e| !a.open || e.is_open()),
    );
    if a.format == ListFormat::Json {
        out!("{}", output::json(&entries.iter().map(|e| entry_view(e)).collect::<Vec<_>>())?);
        return Ok(Exit::Ok);
    }
    if entries.is_empty() {
        outln!("no entries");
    }
    for e in entries {
        outln!("{}", line(e));
    }
    Ok(Exit::Ok)
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<Exit> {
    let model = session_for_entry(ctx, Some(&a.read), &a.id)?.model;
    let e = find(&model, &a.id)?;
    if a.format == ListFormat::Json {
        #[derive(serde::Serialize)]
        struct Full<'a> {
            #[serde(flatten)]
            view: EntryView<'a>,
            body: &'a str,
        }
        out!("{}", output::json(&Full { view: entry_view(e), body: &e.body })?);
        return Ok(Exit::Ok);
    }
    out!("{}", model.source(&e.origin.path).unwrap_or_default());
    Ok(Exit::Ok)
}

// ---- status ---------------------------------------------------------------------------------

/// The daily view: who is on watch and until when, this week's entries, what is open, the
/// objectives missed or at risk, whether the handover is due.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill status
  watchbill status --format json
  watchbill status --now \"2026-11-29 18:00\"")]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(serde::Serialize)]
struct StatusView<'a> {
    now: String,
    week: IsoWeek,
    watch_ends: String,
    crew: Vec<report::Person>,
    entries: Vec<EntryView<'a>>,
    /// The open entries listed are those filed from this week on (`check` warns about older ones).
    open_since: IsoWeek,
    open: Vec<EntryView<'a>>,
    handover_written: bool,
    handover_due: String,
    /// The objectives missed or at risk now.
    objectives: Vec<crate::metrics::Evaluation>,
}

pub fn status(ctx: &Ctx, a: StatusArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    let week = session.model.settings.schedule.week_at(&session.now);
    let recent = Weeks::since(week.plus(-logbook::OPEN_WEEKS));
    // This week's crew, this week's entries, and what is open in the weeks before.
    session.read(Needs::logbook_in(recent).and_rota_in(Weeks::between(week, week)))?;
    // The objectives on their current window only: `status` shows no trend.
    session.read_for_objectives(session.now, 0)?;
    let Session { model, now, .. } = session;
    let schedule = &model.settings.schedule;
    let open = |e: &&Entry| e.is_open() && recent.contains(e.week);
    let ends = schedule.handover(week.next());
    let crew = model.rota.get(&week).map(|r| report::people(&model, &r.crew)).unwrap_or_default();
    let view = StatusView {
        now: rfc3339(&now),
        week,
        watch_ends: rfc3339(&ends),
        crew,
        entries: sorted(model.entries.iter().filter(|e| e.week == week))
            .into_iter()
            .map(entry_view)
            .collect(),
        open_since: week.plus(-logbook::OPEN_WEEKS),
        open: sorted(model.entries.iter().filter(open)).into_iter().map(entry_view).collect(),
        handover_written: model.handovers.contains_key(&week),
        handover_due: rfc3339(&ends),
        objectives: crate::usecase::status::needing_attention(&model, now),
    };
    if a.format == ListFormat::Json {
        out!("{}", output::json(&view)?);
        return Ok(Exit::Ok);
    }
    let local = |s: &DateTime<chrono_tz::Tz>| s.format("%a %d %b %H:%M").to_string();
    outln!("{week}: on watch until {}", local(&ends));
    if view.crew.is_empty() {
        outln!("  nobody is on the rota: `watchbill rota plan`");
    }
    for p in &view.crew {
        outln!("  {} ({}, {})", p.id, p.name, p.team);
    }
    outln!("\nThis week: {} entr{}", view.entries.len(), if view.entries.len() == 1 { "y" } else { "ies" });
    for e in sorted(model.entries.iter().filter(|e| e.week == week)) {
        outln!("  {}", line(e).replace('\n', "\n  "));
    }
    outln!("\nOpen since {}: {}", view.open_since, view.open.len());
    for e in sorted(model.entries.iter().filter(open)) {
        outln!("  {}", line(e).replace('\n', "\n  "));
    }
    out!("{}", super::objective::attention_text(&view.objectives));
    use crate::usecase::status::{self as due, Handover};
    outln!(
        "\nHandover: {}",
        match due::handover(view.handover_written, ends.fixed_offset(), now) {
            Handover::Written => "written".to_string(),
            Handover::DueSoon { hours_left } => format!("due in {hours_left} h: `watchbill handover`"),
            Handover::Due => format!("due {}", local(&ends)),
        }
    );
    Ok(Exit::Ok)
}
