//! `watchbill rota …`, `watchbill who`, `watchbill when`.

use super::{output, Ctx, ListFormat, ReadArgs, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::MemberId;
use crate::model::rota::{Cover, Swap};
use crate::model::{Model, Needs, Weeks};
use crate::planner;
use crate::store;
use crate::time::{rfc3339, IsoWeek};
use crate::usecase::{cover, plan as plan_case, rotate as rotate_case, swap as swap_case};
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
    /// Record that OTHER stands in for MEMBER over part of a watch (from TIME to TIME).
    #[command(after_help = "Examples:
  watchbill rota cover alice --by bob --from \"2026-12-02 14:00\" --to \"2026-12-02 18:00\" --reason \"dentist\"
  watchbill rota cover alice --by bob --from \"2026-12-02 14:00\" --to \"2026-12-02 18:00\" --dry-run")]
    Cover(CoverArgs),
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
    Export(super::export::ExportArgs),
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The first week to plan (default: the next week, or the current one on a new rota).
    #[arg(long)]
    pub from: Option<IsoWeek>,
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
pub struct CoverArgs {
    /// The captain who is covered.
    pub member: MemberId,
    /// Who stands in for them.
    #[arg(long, value_name = "OTHER")]
    pub by: MemberId,
    /// When the cover starts (local `YYYY-MM-DD HH:MM`, or RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub from: String,
    /// When it ends (excluded).
    #[arg(long, value_name = "TIME")]
    pub to: String,
    /// Why; it goes into the week's file and the commit message.
    #[arg(long)]
    pub reason: Option<String>,
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
        RotaCommand::Cover(a) => cover(ctx, a),
        RotaCommand::Show(a) => show(ctx, a),
        RotaCommand::Ics(a) => ics(ctx, a),
        RotaCommand::Export(a) => super::export::run(ctx, a),
    }
}

use rotate_case::member_label;

fn plan(ctx: &Ctx, a: PlanArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let now = ctx.now(&model)?;
    let today = model.settings.schedule.week_at(&now);
    let until =
        a.until.unwrap_or_else(|| today.plus(a.weeks.unwrap_or(model.settings.rota.horizon_weeks) as i64));
    let planned = plan_case::plan(&model, &now, a.from, until)?;
    for l in &planned.lines {
        outln!("{l}");
    }
    if planned.set.changes.is_empty() {
        outln!("the plan up to {until} is already complete: nothing to change");
        return Ok(Exit::Ok);
    }
    ctx.write(&root, &planned.set, &a.write)?;
    Ok(Exit::Ok)
}

fn rotate(ctx: &Ctx, a: RotateArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let rotated = rotate_case::rotate(&model, &ctx.now(&model)?);
    outln!("{}", rotated.headline);
    for l in &rotated.lines {
        outln!("{l}");
    }
    ctx.write(&root, &rotated.set, &a.write)?;
    Ok(Exit::Ok)
}

fn swap(ctx: &Ctx, a: SwapArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let now = ctx.now(&model)?;
    let req = swap_case::SwapRequest {
        week: a.week,
        member: &a.member,
        replacement: &a.replacement,
        reason: a.reason.as_deref(),
        force: a.force,
    };
    let swapped = swap_case::swap(&model, &now, &req)?;
    ctx.write(&root, &swapped.set, &a.write)?;
    Ok(Exit::Ok)
}

fn cover(ctx: &Ctx, a: CoverArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs::ROTA)?;
    let now = ctx.now(&model)?;
    let tz = model.settings.schedule.tz;
    let time = |flag: &str, s: &str| {
        crate::time::parse_time(s, tz, now).map_err(|e| Error::usage(format!("--{flag}: {e}")))
    };
    let req = cover::CoverRequest {
        member: &a.member,
        by: &a.by,
        from: time("from", &a.from)?,
        to: time("to", &a.to)?,
        reason: a.reason.as_deref(),
    };
    let set = cover::cover(&model, &now, &req)?;
    ctx.write(&root, &set, &a.write)?;
    Ok(Exit::Ok)
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
    /// Always present, empty when none, so a script can rely on them.
    swaps: Vec<Swap>,
    covers: Vec<Cover>,
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
        covers: r.covers.clone(),
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
        for c in &v.covers {
            outln!("      {}", cover_text(&model, c));
        }
    }
    Ok(Exit::Ok)
}

/// `bob covers alice Wed 02 Dec 14:00 to 18:00 (dentist)`, in the crew's time zone.
fn cover_text(model: &Model, c: &Cover) -> String {
    let tz = model.settings.schedule.tz;
    let (from, to) = (c.from.0.with_timezone(&tz), c.to.0.with_timezone(&tz));
    let end = if from.date_naive() == to.date_naive() {
        to.format("%H:%M").to_string()
    } else {
        to.format("%a %d %b %H:%M").to_string()
    };
    let mut s = format!("{} covers {} {} to {end}", c.by, c.member, from.format("%a %d %b %H:%M"));
    if let Some(r) = &c.reason {
        s.push_str(&format!(" ({r})"));
    }
    s
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
    /// The captain this one stands in for at that time (`rota cover`), with the cover's end.
    #[serde(skip_serializing_if = "Option::is_none")]
    covering: Option<&'a MemberId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cover_ends: Option<String>,
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
    let on_file = model.rota.get(&week);
    let crew: Vec<CaptainView> = on_file
        .map(|r| r.crew.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|id| {
            let term = terms.iter().find(|t| &t.member == id && t.covers(week))?;
            let (term_starts, term_ends) = term_span(&model, term);
            let cover = on_file.and_then(|r| planner::cover_at(r, id, &at));
            let shown = cover.map_or(id, |c| &c.by);
            let m = model.crew.member(shown.as_str());
            Some(CaptainView {
                id: shown,
                name: m.map_or(shown.as_str(), |m| m.name.as_str()),
                team: m.map_or("", |m| m.team_id().as_str()),
                term_starts,
                term_ends,
                covering: cover.map(|_| id),
                cover_ends: cover.map(|c| rfc3339(&c.to.0)),
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
        match (c.covering, &c.cover_ends) {
            (Some(of), Some(ends)) => outln!(
                "  {} ({}, team {}), covering {of} until {}",
                c.id,
                c.name,
                c.team,
                &ends[..16].replace('T', " ")
            ),
            _ => outln!(
                "  {} ({}, team {}), term until {}",
                c.id,
                c.name,
                c.team,
                &c.term_ends[..16].replace('T', " ")
            ),
        }
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
    /// Parts of the term someone else covers (`rota cover`).
    covered: Vec<Cover>,
}

pub fn when(ctx: &Ctx, a: WhenArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    crate::usecase::named_member(&session.model, &a.member)?;
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
            let covered = t
                .each_week()
                .filter_map(|w| model.rota.get(&w))
                .flat_map(|r| r.covers.iter().filter(|c| c.member == a.member).cloned())
                .collect();
            TermView { first: t.first, last: t.last(), weeks: t.weeks, starts, ends, covered }
        })
        .collect();
    if a.format == ListFormat::Json {
        out!("{}", output::json(&terms)?);
        return Ok(Exit::Ok);
    }
    // Covers this member takes for others, shown after their terms.
    let covering: Vec<&Cover> = model
        .rota
        .iter()
        .filter(|(w, _)| shown.contains(**w))
        .flat_map(|(_, r)| r.covers.iter().filter(|c| c.by == a.member))
        .collect();
    if terms.is_empty() && covering.is_empty() {
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
        for c in &t.covered {
            outln!("    {}", cover_text(&model, c));
        }
    }
    for c in covering {
        outln!("{}", cover_text(&model, c));
    }
    Ok(Exit::Ok)
}

fn ics(ctx: &Ctx, a: IcsArgs) -> Result<Exit> {
    let (_, model) = ctx.load(Some(&a.read), Needs::ROTA)?;
    let now = ctx.now(&model)?;
    if let Some(m) = &a.member {
        crate::usecase::named_member(&model, m)?;
    }
    let text =
        crate::ics::calendar_of(&model.settings, &model.crew, &model.rota, a.member.as_ref(), now.to_utc());
    match &a.output {
        Some(path) => store::write_file(path, &text)?,
        None => out!("{text}"),
    }
    Ok(Exit::Ok)
}
