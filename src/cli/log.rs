//! `watchbill log …`, `watchbill status`.

use super::{output, Ctx, ListFormat, ReadArgs, Session, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::MemberId;
use crate::model::logbook::{Entry, Kind, Severity};
use crate::model::{Model, Needs, Weeks};
use crate::report::{self, sorted};
use crate::store;
use crate::time::{self, parse_time, rfc3339, IsoWeek};
use crate::usecase::status::{self as due, Handover};
use crate::usecase::{self, log::find, log::Draft, log::Writer};
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

/// The member writing: `--as`, else the member whose e-mail is git's (see
/// [`usecase::log::author`]).
pub(super) fn author(root: &Path, model: &Model, given: Option<&MemberId>) -> Result<MemberId> {
    usecase::log::author(model, &Writer { given, git_email: email_unless(root, given)?.as_deref() })
}

/// git's `user.email`, read only when no member is given (it is then not needed).
fn email_unless(root: &Path, given: Option<&MemberId>) -> Result<Option<String>> {
    match given {
        Some(_) => Ok(None),
        None => store::git_email(root),
    }
}

/// The times given, read in the crew's zone, in the order the entry lists them.
fn times(model: &Model, now: DateTime<FixedOffset>, given: &TimeArgs) -> Result<usecase::log::Times> {
    let tz = model.settings.schedule.tz;
    let mut out = Vec::new();
    for (name, value) in given.given() {
        if let Some(s) = value {
            out.push((name, parse_time(s, tz, now).map_err(|e| Error::usage(format!("--{name}: {e}")))?));
        }
    }
    Ok(out)
}

/// Four random characters: two people writing at the same minute never pick the same name.
pub(super) fn suffix() -> String {
    crate::random::Random::from_entropy().suffix()
}

/// Opens git's editor (see [`store::editor`]) on `text`; `None` when the user left the file empty (abort).
pub fn edit(root: &Path, text: &str, name: &str) -> Result<Option<String>> {
    let editor = store::editor(root);
    // The editor takes the terminal: what was printed goes first.
    super::output::flush();
    let edited = store::edit_in_editor(
        &editor,
        text,
        &format!("watchbill-{}-{}", std::process::id(), suffix()),
        name,
    )?;
    Ok(Some(edited).filter(|t| !t.trim().is_empty()))
}

/// `result`, the write of what a person wrote in the editor; when it fails, their text is kept
/// in a file the error names, so their words are never lost.
pub(super) fn keeping_words<T>(text: &str, name: &str, result: Result<T>) -> Result<T> {
    result.map_err(|e| {
        let path = std::env::temp_dir().join(format!("watchbill-unsaved-{}-{name}", std::process::id()));
        match store::write_file(&path, text) {
            Ok(()) => {
                let kept = format!("your text is kept in {}", path.display());
                let help = e.help.clone().map_or(kept.clone(), |h| format!("{h}; {kept}"));
                e.help(help)
            }
            Err(_) => e,
        }
    })
}

/// Whether to open an editor: no -m, and a terminal or an editor configured.
fn wants_editor(message: &Option<String>) -> bool {
    use std::io::IsTerminal;
    message.is_none()
        && (std::io::stdin().is_terminal()
            || ["GIT_EDITOR", "VISUAL", "EDITOR"].iter().any(|v| std::env::var_os(v).is_some()))
}

/// Writes a new entry, after the editor when there is one, and prints its id.
fn write_entry(ctx: &Ctx, root: &Path, draft: &Draft, editor: bool, write: &WriteArgs) -> Result<Exit> {
    if editor {
        // Judged before the person writes: a time given out of order must not cost their words.
        ctx.judge_before_editing(root, &draft.change_set(draft.text.clone())?)?;
    }
    let name = format!("{}.md", draft.id);
    let text = match editor {
        true => edit(root, &draft.text, &name)?
            .ok_or_else(|| Error::refused("the entry was left empty: nothing was written"))?,
        false => draft.text.clone(),
    };
    let written = draft.change_set(text.clone()).and_then(|set| ctx.write(root, &set, write));
    match editor {
        true => keeping_words(&text, &name, written)?,
        false => written?,
    }
    outln!("id: {}", draft.id);
    Ok(Exit::Ok)
}

fn incident(ctx: &Ctx, a: IncidentArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::CREW)?;
    let now = ctx.now(&model)?;
    let email = email_unless(&root, a.author.as_ref())?;
    let writer = Writer { given: a.author.as_ref(), git_email: email.as_deref() };
    let incident = usecase::log::Incident {
        title: &a.title,
        severity: a.severity.map(Severity::from),
        services: &a.services,
        times: times(&model, now, &a.times)?,
        tickets: a.tickets,
        handlers: &a.handlers,
        links: &a.links,
        body: a.message.as_deref(),
    };
    let draft = usecase::log::incident(&model, now, &writer, &incident, &suffix())?;
    write_entry(ctx, &root, &draft, wants_editor(&a.message), &a.write)
}

fn note(ctx: &Ctx, a: NoteArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::CREW)?;
    let now = ctx.now(&model)?;
    let email = email_unless(&root, a.author.as_ref())?;
    let writer = Writer { given: a.author.as_ref(), git_email: email.as_deref() };
    let note = usecase::log::Note { title: &a.title, ongoing: a.ongoing, body: a.message.as_deref() };
    let draft = usecase::log::note(&model, now, &writer, &note, &suffix())?;
    write_entry(ctx, &root, &draft, wants_editor(&a.message), &a.write)
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
    let path = find(&model, &a.id)?.origin.path.clone();
    let u = usecase::log::Update {
        id: &a.id,
        times: times(&model, now, &a.times)?,
        tickets: a.tickets,
        severity: a.severity.map(Severity::from),
        close: a.close,
    };
    ctx.write_edit(&root, &a.write, |read| usecase::log::update(&model, now, &u, read(&path)?))?;
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
    crew: &'a [report::Person],
    entries: Vec<EntryView<'a>>,
    /// The open entries listed are those filed from this week on (`check` warns about older ones).
    open_since: IsoWeek,
    open: Vec<EntryView<'a>>,
    handover_written: bool,
    handover_due: String,
    /// The objectives missed or at risk now.
    objectives: &'a [crate::metrics::Evaluation],
}

pub fn status(ctx: &Ctx, a: StatusArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    let week = session.model.settings.schedule.week_at(&session.now);
    // This week's crew, this week's entries, and what is open in the weeks before.
    session.read(Needs::logbook_in(due::logbook_weeks(week)).and_rota_in(Weeks::between(week, week)))?;
    // The objectives on their current window only: `status` shows no trend.
    session.read_for_objectives(session.now, 0)?;
    let Session { model, now, .. } = session;
    let s = due::status(&model, now);
    if a.format == ListFormat::Json {
        let view = StatusView {
            now: rfc3339(&s.now),
            week: s.week,
            watch_ends: rfc3339(&s.watch_ends),
            crew: &s.crew,
            entries: s.entries.iter().map(|e| entry_view(e)).collect(),
            open_since: s.open_since,
            open: s.open.iter().map(|e| entry_view(e)).collect(),
            handover_written: s.handover_written,
            handover_due: rfc3339(&s.watch_ends),
            objectives: &s.objectives,
        };
        out!("{}", output::json(&view)?);
        return Ok(Exit::Ok);
    }
    let local = |s: &DateTime<chrono_tz::Tz>| s.format("%a %d %b %H:%M").to_string();
    outln!("{}: on watch until {}", s.week, local(&s.watch_ends));
    if s.crew.is_empty() {
        outln!("  nobody is on the rota: `watchbill rota plan`");
    }
    for p in &s.crew {
        outln!("  {} ({}, {})", p.id, p.name, p.team);
    }
    outln!("\nThis week: {} entr{}", s.entries.len(), if s.entries.len() == 1 { "y" } else { "ies" });
    for e in &s.entries {
        outln!("  {}", line(e).replace('\n', "\n  "));
    }
    outln!("\nOpen since {}: {}", s.open_since, s.open.len());
    for e in &s.open {
        outln!("  {}", line(e).replace('\n', "\n  "));
    }
    out!("{}", super::objective::attention_text(&s.objectives));
    outln!(
        "\nHandover: {}",
        match s.handover {
            Handover::Written => "written".to_string(),
            Handover::DueSoon { hours_left } => format!("due in {hours_left} h: `watchbill handover`"),
            Handover::Due => format!("due {}", local(&s.watch_ends)),
        }
    );
    Ok(Exit::Ok)
}
