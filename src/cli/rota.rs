//! `watchbill rota …`, `watchbill who`, `watchbill when`.

use super::{output, Ctx, ListFormat, ReadArgs, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::MemberId;
use crate::model::rota::{self, Status, Swap};
use crate::model::{Model, Needs, Weeks};
use crate::planner::{self, PlanRequest};
use crate::store::{self, Base, Change, ChangeSet};
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The staggered watch: plan it, advance it at handover, trade weeks, see it.
#[derive(Subcommand, Debug)]
pub enum RotaCommand {
    /// Fill the plan up to the horizon (or --until / --weeks); never rewrites confirmed or past weeks.
    #[command(after_help = "Examples:
  watchbill rota plan                   up to horizon_weeks ahead
  watchbill rota plan --weeks 26        half a year ahead
  watchbill rota plan --until 2027-W10 --dry-run")]
    Plan(PlanArgs),
    /// At handover: confirm the next week's crew and extend the plan.
    #[command(after_help = "Examples:
  watchbill rota rotate
  watchbill rota rotate --now \"2026-11-30 09:00\" --dry-run")]
    Rotate(RotateArgs),
    /// Give MEMBER's term from WEEK on to REPLACEMENT.
    #[command(after_help = "Examples:
  watchbill rota swap 2026-W49 alice dan --reason \"sick\"
  watchbill rota swap 2026-W49 alice dan --force --reason \"dan insists\"   record an exception")]
    Swap(SwapArgs),
    /// Show the rota: the crew of each week, who comes in and who goes back.
    #[command(after_help = "Examples:
  watchbill rota show
  watchbill rota show --from 2026-W40 --weeks 20
  watchbill rota show --format json")]
    Show(ShowArgs),
    /// An iCalendar feed of the terms (RFC 5545), for a calendar subscription.
    #[command(after_help = "Examples:
  watchbill rota ics -o rota.ics
  watchbill rota ics --member alice > alice.ics")]
    Ics(IcsArgs),
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The last week to plan (e.g. 2027-W10).
    #[arg(long, conflicts_with = "weeks")]
    pub until: Option<IsoWeek>,
    /// How many weeks ahead of the current one to plan.
    #[arg(long)]
    pub weeks: Option<u32>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct RotateArgs {
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct SwapArgs {
    pub week: IsoWeek,
    pub member: MemberId,
    pub replacement: MemberId,
    /// Why; it goes into the week's file and the commit message.
    #[arg(long)]
    pub reason: Option<String>,
    /// Record the swap even though it breaks a rule (check then warns instead of failing).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// First week shown (default: four weeks before the current one).
    #[arg(long)]
    pub from: Option<IsoWeek>,
    /// How many weeks to show.
    #[arg(long, default_value_t = 16)]
    pub weeks: u32,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Args, Debug)]
pub struct IcsArgs {
    /// Only this member's terms.
    #[arg(long)]
    pub member: Option<MemberId>,
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Who is on watch at a time.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill who
  watchbill who --at \"2026-12-24 15:00\"
  watchbill who --format json")]
pub struct WhoArgs {
    /// The time to look at (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// When a member is on watch: their terms of the last year and the plan ahead.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill when alice
  watchbill when alice --all            every term since the rota began
  watchbill when alice --format json")]
pub struct WhenArgs {
    pub member: MemberId,
    /// Every term since the rota began, not only those of the last year and the plan ahead.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(ctx: &Ctx, cmd: RotaCommand) -> Result<Exit> {
    match cmd {
        RotaCommand::Plan(a) => plan(ctx, a),
        RotaCommand::Rotate(a) => rotate(ctx, a),
        RotaCommand::Swap(a) => swap(ctx, a),
        RotaCommand::Show(a) => show(ctx, a),
        RotaCommand::Ics(a) => ics(ctx, a),
    }
}

fn member_label(model: &Model, id: &MemberId) -> String {
    match model.crew.member(id.as_str()) {
        Some(m) => format!("{id} (team {})", m.team_id()),
        None => id.to_string(),
    }
}

/// The change to one week's file, keeping its swaps.
fn week_change(model: &Model, week: IsoWeek, status: Status, crew: &[MemberId], swaps: &[Swap]) -> Change {
    let path = rota::path(week);
    let before = model.source(&path);
    Change {
        contents: rota::to_toml(week, status, crew, swaps).into_bytes(),
        base: before.map_or(Base::Absent, |b| Base::Bytes(b.as_bytes().to_vec())),
        path,
    }
}

/// Plans `from..=until` and returns the changed files and what to print.
fn planned_changes(model: &Model, from: IsoWeek, until: IsoWeek) -> (Vec<Change>, Vec<String>) {
    let plan = planner::plan(&PlanRequest {
        settings: &model.settings,
        crew: &model.crew,
        existing: &model.rota,
        from,
        until,
    });
    let changes = plan
        .weeks
        .iter()
        .map(|(w, crew)| {
            let swaps = model.rota.get(w).map(|r| r.swaps.clone()).unwrap_or_default();
            week_change(model, *w, Status::Planned, crew, &swaps)
        })
        .collect();
    let mut lines: Vec<String> = plan.changes.iter().map(|c| c.to_string()).collect();
    lines.extend(plan.notes.iter().map(|n| format!("note: {n}")));
    (changes, lines)
}

/// The first week the planner may write: the current one on a new rota, else the next one.
fn first_plannable(model: &Model, today: IsoWeek) -> IsoWeek {
    if model.rota.is_empty() {
        today
    } else {
        today.next()
    }
}

fn plan(ctx: &Ctx, a: PlanArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let today = model.settings.schedule.week_at(&ctx.now(&model)?);
    let until =
        a.until.unwrap_or_else(|| today.plus(a.weeks.unwrap_or(model.settings.rota.horizon_weeks) as i64));
    let from = first_plannable(&model, today);
    if until < from {
        return Err(Error::usage(format!(
            "--until {until} is before the first week that can be planned ({from})"
        )));
    }
    let (changes, lines) = planned_changes(&model, from, until);
    for l in &lines {
        outln!("{l}");
    }
    if changes.is_empty() {
        outln!("the plan up to {until} is already complete: nothing to change");
        return Ok(Exit::Ok);
    }
    let message = format!("rota: plan {from} to {until}\n\n{}", lines.join("\n"));
    ctx.write(&root, &ChangeSet { message, changes }, &a.write)?;
    Ok(Exit::Ok)
}

fn rotate(ctx: &Ctx, a: RotateArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let today = model.settings.schedule.week_at(&ctx.now(&model)?);
    let next = today.next();
    let until = today.plus(model.settings.rota.horizon_weeks as i64);
    let (mut changes, lines) = planned_changes(&model, first_plannable(&model, today), until);
    // The next week's crew: as just planned, or as already on file.
    let planned_next = changes.iter().find(|c| c.path == rota::path(next)).map(|c| c.contents.clone());
    let crew_next = match &planned_next {
        Some(_) => planner_crew(&model, &changes, next),
        None => model.rota.get(&next).map(|r| r.crew.clone()).unwrap_or_default(),
    };
    if model.rota.get(&next).is_some_and(|r| r.status == Status::Confirmed) && planned_next.is_none() {
        outln!("{next} is already confirmed");
    } else {
        let swaps = model.rota.get(&next).map(|r| r.swaps.clone()).unwrap_or_default();
        changes.retain(|c| c.path != rota::path(next));
        changes.push(week_change(&model, next, Status::Confirmed, &crew_next, &swaps));
    }
    let current = model.rota.get(&today).map(|r| r.crew.clone()).unwrap_or_default();
    let incoming: Vec<String> =
        crew_next.iter().filter(|m| !current.contains(m)).map(|m| member_label(&model, m)).collect();
    let outgoing: Vec<String> =
        current.iter().filter(|m| !crew_next.contains(m)).map(|m| m.to_string()).collect();
    let headline = match (incoming.is_empty(), outgoing.is_empty()) {
        (false, false) => {
            format!("rota: {next} {} takes over from {}", incoming.join(" and "), outgoing.join(" and "))
        }
        (false, true) => format!("rota: {next} {} comes aboard", incoming.join(" and ")),
        _ => format!("rota: {next} confirmed"),
    };
    outln!("{}", headline.trim_start_matches("rota: "));
    for l in &lines {
        outln!("{l}");
    }
    let message = if lines.is_empty() { headline } else { format!("{headline}\n\n{}", lines.join("\n")) };
    ctx.write(&root, &ChangeSet { message, changes }, &a.write)?;
    Ok(Exit::Ok)
}

/// The crew of `week` in a set of planned week files.
fn planner_crew(model: &Model, changes: &[Change], week: IsoWeek) -> Vec<MemberId> {
    let path = rota::path(week);
    changes
        .iter()
        .find(|c| c.path == path)
        .and_then(|c| std::str::from_utf8(&c.contents).ok())
        .and_then(|text| crate::parse::Source::toml_file(&path, text).parse::<rota::WeekFile>().ok())
        .map(|f| f.crew.into_inner().into_iter().map(|m| m.into_inner()).collect())
        .unwrap_or_else(|| model.rota.get(&week).map(|r| r.crew.clone()).unwrap_or_default())
}

fn swap(ctx: &Ctx, a: SwapArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let now = ctx.now(&model)?;
    let schedule = &model.settings.schedule;
    if schedule.handover(a.week.next()) <= now {
        return Err(Error::refused(format!("the watch of {} is over: history is not rewritten", a.week)));
    }
    for id in [&a.member, &a.replacement] {
        if !model.member_exists(id) {
            return Err(
                Error::refused(format!("`{id}` is not in crew.toml")).help("see `watchbill crew list`")
            );
        }
    }
    let term_weeks: Vec<IsoWeek> = term_from(&model, a.week, &a.member);
    if term_weeks.is_empty() {
        return Err(Error::refused(format!("`{}` is not on watch in {}", a.member, a.week))
            .help(format!("see `watchbill when {}`", a.member)));
    }
    let problems =
        planner::swap_problems(&model.settings, &model.crew, &model.rota, a.week, &a.member, &a.replacement);
    if !problems.is_empty() && !a.force {
        return Err(Error::refused(format!(
            "{} cannot take over from {}: {}",
            a.replacement,
            a.member,
            problems.join("; ")
        ))
        .help("choose another replacement, or pass --force to record an exception (check will warn)"));
    }
    let forced = !problems.is_empty();
    let record = Swap {
        member: a.member.clone(),
        replacement: a.replacement.clone(),
        reason: a.reason.clone(),
        forced,
    };
    let changes = term_weeks
        .iter()
        .filter_map(|w| model.rota.get(w))
        .map(|r| {
            let crew: Vec<MemberId> = r
                .crew
                .iter()
                .map(|m| if *m == a.member { a.replacement.clone() } else { m.clone() })
                .collect();
            let mut swaps = r.swaps.clone();
            swaps.push(record.clone());
            week_change(&model, r.week, r.status, &crew, &swaps)
        })
        .collect();
    let weeks = match (term_weeks.first(), term_weeks.last()) {
        (Some(f), Some(l)) if f != l => format!("{f} to {l}"),
        (Some(f), _) => f.to_string(),
        _ => String::new(),
    };
    let mut message =
        format!("rota: {weeks} {} takes over from {}", member_label(&model, &a.replacement), a.member);
    if let Some(r) = &a.reason {
        message.push_str(&format!(" ({r})"));
    }
    if forced {
        message.push_str(&format!("\n\nForced despite: {}", problems.join("; ")));
    }
    ctx.write(&root, &ChangeSet { message, changes }, &a.write)?;
    Ok(Exit::Ok)
}

/// The weeks of `member`'s term from `week` on (consecutive weeks they are in the crew).
fn term_from(model: &Model, week: IsoWeek, member: &MemberId) -> Vec<IsoWeek> {
    let mut out = Vec::new();
    let mut w = week;
    while model.rota.get(&w).is_some_and(|r| r.crew.contains(member)) {
        out.push(w);
        w = w.next();
    }
    out
}

#[derive(Serialize)]
struct WeekView {
    week: IsoWeek,
    starts: String,
    ends: String,
    status: &'static str,
    crew: Vec<MemberId>,
    incoming: Vec<MemberId>,
    outgoing: Vec<MemberId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    swaps: Vec<Swap>,
}

fn week_view(model: &Model, crews: &BTreeMap<IsoWeek, Vec<MemberId>>, w: IsoWeek) -> Option<WeekView> {
    let r = model.rota.get(&w)?;
    let (starts, ends) = model.settings.schedule.span(w);
    Some(WeekView {
        week: w,
        starts: rfc3339(&starts),
        ends: rfc3339(&ends),
        status: r.status.as_str(),
        crew: r.crew.clone(),
        incoming: planner::incoming(crews, w),
        outgoing: planner::outgoing(crews, w),
        swaps: r.swaps.clone(),
    })
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    let today = session.model.settings.schedule.week_at(&session.now);
    let from = a.from.unwrap_or(today.plus(-4));
    // The week before the first shown says who came in at the first.
    session.read(Needs::rota_in(Weeks::between(from.prev(), from.plus(i64::from(a.weeks) - 1))))?;
    let model = session.model;
    let crews = model.crews();
    let weeks: Vec<WeekView> =
        (0..a.weeks as i64).filter_map(|i| week_view(&model, &crews, from.plus(i))).collect();
    if a.format == ListFormat::Json {
        out!("{}", output::json(&weeks)?);
        return Ok(Exit::Ok);
    }
    if weeks.is_empty() {
        outln!("no rota weeks from {from}: plan them with `watchbill rota plan`");
        return Ok(Exit::Ok);
    }
    let tz = model.settings.schedule.tz;
    for v in &weeks {
        let starts = model.settings.schedule.handover(v.week);
        let marker = if v.week == today { "▶" } else { " " };
        let names: Vec<String> = v.crew.iter().map(|m| member_label(&model, m)).collect();
        let mut line = format!(
            "{marker} {}  {}  {:9}  {}",
            v.week,
            starts.with_timezone(&tz).format("%a %d %b %H:%M"),
            v.status,
            names.join(", ")
        );
        if !v.incoming.is_empty() && !v.outgoing.is_empty() {
            line.push_str(&format!("   ({} in, {} out)", join(&v.incoming), join(&v.outgoing)));
        }
        outln!("{line}");
    }
    Ok(Exit::Ok)
}

fn join(ids: &[MemberId]) -> String {
    ids.iter().map(MemberId::as_str).collect::<Vec<_>>().join(", ")
}

#[derive(Serialize)]
struct CaptainView<'a> {
    id: &'a MemberId,
    name: &'a str,
    team: &'a str,
    term_starts: String,
    term_ends: String,
}

#[derive(Serialize)]
struct WhoView<'a> {
    at: String,
    week: IsoWeek,
    starts: String,
    ends: String,
    crew: Vec<CaptainView<'a>>,
}

fn term_span(model: &Model, term: &planner::Term) -> (String, String) {
    let s = &model.settings.schedule;
    (rfc3339(&s.handover(term.first)), rfc3339(&s.handover(term.last().next())))
}

pub fn who(ctx: &Ctx, a: WhoArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    let at: DateTime<FixedOffset> = match &a.at {
        Some(s) => crate::time::parse_until(s, session.model.settings.schedule.tz, session.now)
            .map_err(|e| Error::usage(format!("--at: {e}")))?,
        None => session.now,
    };
    let week = session.model.settings.schedule.week_at(&at);
    session.read_terms(Weeks::between(week, week))?;
    let model = session.model;
    let schedule = &model.settings.schedule;
    let crews = model.crews();
    let terms = planner::terms(&crews);
    let (starts, ends) = schedule.span(week);
    let crew: Vec<CaptainView> = model
        .rota
        .get(&week)
        .map(|r| r.crew.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|id| {
            let m = model.crew.member(id.as_str());
            let term = terms.iter().find(|t| &t.member == id && t.covers(week))?;
            let (term_starts, term_ends) = term_span(&model, term);
            Some(CaptainView {
                id,
                name: m.map_or(id.as_str(), |m| m.name.as_str()),
                team: m.map_or("", |m| m.team_id().as_str()),
                term_starts,
                term_ends,
            })
        })
        .collect();
    let view = WhoView { at: rfc3339(&at), week, starts: rfc3339(&starts), ends: rfc3339(&ends), crew };
    if a.format == ListFormat::Json {
        out!("{}", output::json(&view)?);
        return Ok(Exit::Ok);
    }
    if view.crew.is_empty() {
        outln!("nobody is on watch in {week}: plan the rota with `watchbill rota plan`");
        return Ok(Exit::Ok);
    }
    outln!("{week}: on watch until {}", ends.format("%a %d %b %H:%M %Z"));
    for c in &view.crew {
        outln!(
            "  {} ({}, team {}), term until {}",
            c.id,
            c.name,
            c.team,
            &c.term_ends[..16].replace('T', " ")
        );
    }
    Ok(Exit::Ok)
}

/// How far back `when` looks without --all: a year, so it reads the same few files however long
/// the history.
const WHEN_WEEKS: i64 = 52;

#[derive(Serialize)]
struct TermView {
    first: IsoWeek,
    last: IsoWeek,
    weeks: u32,
    starts: String,
    ends: String,
}

pub fn when(ctx: &Ctx, a: WhenArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    if !session.model.member_exists(&a.member) {
        return Err(
            Error::refused(format!("`{}` is not in crew.toml", a.member)).help("see `watchbill crew list`")
        );
    }
    let now = session.now;
    let today = session.model.settings.schedule.week_at(&now);
    let shown = if a.all { Weeks::ALL } else { Weeks::since(today.plus(-WHEN_WEEKS)) };
    session.read_terms(shown)?;
    let model = session.model;
    let terms: Vec<TermView> = planner::terms(&model.crews())
        .into_iter()
        .filter(|t| t.member == a.member && shown.overlaps(t.first, t.last()))
        .map(|t| {
            let (starts, ends) = term_span(&model, &t);
            TermView { first: t.first, last: t.last(), weeks: t.weeks, starts, ends }
        })
        .collect();
    if a.format == ListFormat::Json {
        out!("{}", output::json(&terms)?);
        return Ok(Exit::Ok);
    }
    if terms.is_empty() {
        let since =
            if a.all { String::new() } else { " in the last year (--all for the whole history)".into() };
        outln!("{} has no term on the rota{since}", a.member);
        return Ok(Exit::Ok);
    }
    for t in &terms {
        let tense = if t.last < today {
            "served"
        } else if t.first <= today {
            "on watch"
        } else {
            "planned"
        };
        outln!(
            "{} to {}  {:8}  {} → {}",
            t.first,
            t.last,
            tense,
            &t.starts[..16].replace('T', " "),
            &t.ends[..16].replace('T', " ")
        );
    }
    Ok(Exit::Ok)
}

fn ics(ctx: &Ctx, a: IcsArgs) -> Result<Exit> {
    let (_, model) = ctx.load(Some(&a.read), Needs::ROTA)?;
    let now = ctx.now(&model)?;
    if let Some(m) = &a.member {
        if !model.member_exists(m) {
            return Err(Error::refused(format!("`{m}` is not in crew.toml")));
        }
    }
    let text =
        crate::ics::calendar(&model.settings, &model.crew, &model.crews(), a.member.as_ref(), now.to_utc());
    match &a.output {
        Some(path) => store::write_file(path, &text)?,
        None => out!("{text}"),
    }
    Ok(Exit::Ok)
}
