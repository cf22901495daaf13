//! `watchbill objective …`: goals measured from the records (the use cases are in
//! [`crate::usecase::objective`]).

use super::log::{author, suffix, SeverityArg};
use super::{output, Ctx, ListFormat, ReadArgs, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::{AxisId, MemberId, ObjectiveId};
use crate::metrics::{self, display_value, Evaluation, Verdict};
use crate::model::logbook::Severity;
use crate::model::objective::{write as objective_write, Aggregate, Comparison, Unit};
use crate::model::{Model, Needs};
use crate::time::rfc3339;
use crate::usecase::objective;
use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, Subcommand};
use std::path::Path;

/// What the objective commands read: the crew, the objectives and check-ins, the matrix.
const OBJECTIVES: Needs = Needs { objectives: true, maturity: true, ..Needs::CREW };

/// Objectives: goals measured from the logbook, the rota, surveys and check-ins.
#[derive(Subcommand, Debug)]
pub enum ObjectiveCommand {
    /// Add an objective: what each record yields, the bound it must meet, how the window's
    /// records aggregate, the target and the window.
    #[command(after_help = "Examples:
  watchbill objective add restore-under-10-min --title \"Service restored in under 10 minutes\" \\
      --area stability --measure \"restored - started\" --bound \"< 10\" --aggregate share \\
      --target \">= 80%\" --window 90d
  watchbill objective add fix-fast --title \"Permanent fix in under 10 business days\" \\
      --measure \"fixed - started\" --unit business_days --bound \"< 10\" --aggregate share \\
      --target \">= 80%\" --window quarter --severity critical --severity major
  watchbill objective add runbooks --title \"Runbooks cover the paging services\" \\
      --measure checkin --unit percent --aggregate max --target \">= 80%\" --window quarter

Measures: \"<later> - <earlier>\" of started, detected, alerted, acknowledged, restored, fixed;
\"tickets\"; \"count(incidents)\", \"count(handovers)\", \"count(captains)\"; \"survey.comfort\"; \"checkin\".")]
    Add(AddArgs),
    /// Change fields of an objective in place (its comments and other fields are kept).
    #[command(after_help = "Examples:
  watchbill objective edit restore-under-10-min --target \">= 90%\"
  watchbill objective edit fix-fast --baseline 35 --baseline-date 2026-06-01
  watchbill objective edit fix-fast --no-filter")]
    Edit(EditArgs),
    /// List the objectives and their roadmaps.
    #[command(after_help = "Examples:
  watchbill objective list
  watchbill objective list --format json")]
    List(ListArgs),
    /// Record a manual measurement of an objective measured by check-ins.
    #[command(after_help = "Examples:
  watchbill objective checkin runbook-coverage 62.5 --note \"Counted runbooks against the paging services\"
  watchbill objective checkin runbook-coverage 70 --at \"2026-11-20 16:00\" --as alice")]
    Checkin(CheckinArgs),
    /// The roadmap of an objective: add a step, mark one done.
    #[command(after_help = "Examples:
  watchbill objective action restore-under-10-min add \"Page the captains directly\" --owner bob --due 2026-12-15
  watchbill objective action restore-under-10-min done 2
  watchbill objective action restore-under-10-min done \"page the captains\"")]
    Action(ActionArgs),
    /// Each objective's value over its window, its target, whether it is met, the records that
    /// miss it, the incomplete ones, and the trend over the previous windows.
    #[command(after_help = "Examples:
  watchbill objective status
  watchbill objective status restore-under-10-min --format json
  watchbill objective status --at 2026-09-30")]
    Status(StatusArgs),
}

/// The fields of an objective, for `add` and `edit`.
#[derive(Args, Debug)]
pub struct FieldArgs {
    #[arg(long)]
    pub title: Option<String>,
    /// The axis of maturity.toml the objective serves.
    #[arg(long, value_name = "AXIS")]
    pub area: Option<AxisId>,
    #[arg(long, value_name = "MEMBER")]
    pub owner: Option<MemberId>,
    /// Why the objective matters, in a sentence.
    #[arg(long)]
    pub why: Option<String>,
    /// What each record yields, e.g. "restored - started", "tickets", "survey.comfort".
    #[arg(long)]
    pub measure: Option<String>,
    /// minutes, hours, days, business_days, count, score or percent.
    #[arg(long)]
    pub unit: Option<String>,
    /// What each record must meet, e.g. "< 10" (needed by share and all).
    #[arg(long)]
    pub bound: Option<String>,
    /// share, median, p90, mean, max, min, count or all.
    #[arg(long)]
    pub aggregate: Option<String>,
    /// What the aggregate must meet, e.g. ">= 80%" or "< 30".
    #[arg(long)]
    pub target: Option<String>,
    /// "90d", "13w" (rolling) or "month", "quarter", "year" (calendar).
    #[arg(long)]
    pub window: Option<String>,
    /// Only incidents of this severity (repeat for several).
    #[arg(long = "severity", value_enum, value_name = "SEVERITY")]
    pub severity: Vec<SeverityArg>,
    /// Only incidents touching this service (repeat for several).
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Remove the severity and service filter.
    #[arg(long, conflicts_with_all = ["severity", "services"])]
    pub no_filter: bool,
    /// The date the objective should be met by (YYYY-MM-DD).
    #[arg(long)]
    pub due: Option<NaiveDate>,
    /// How often it is reviewed, in words ("quarterly").
    #[arg(long)]
    pub review: Option<String>,
    /// Where the coaching started: the value then.
    #[arg(long, allow_hyphen_values = true)]
    pub baseline: Option<f64>,
    /// The date of the baseline (default: today).
    #[arg(long, requires = "baseline")]
    pub baseline_date: Option<NaiveDate>,
}

impl FieldArgs {
    fn severities(&self) -> Vec<Severity> {
        self.severity.iter().map(|s| Severity::from(*s)).collect()
    }

    /// The fields to write; `severities` is [`Self::severities`], kept alive by the caller.
    fn fields<'a>(&'a self, severities: &'a [Severity], today: NaiveDate) -> objective_write::Fields<'a> {
        let clear: Option<&[Severity]> = self.no_filter.then_some(&[]);
        objective_write::Fields {
            title: self.title.as_deref(),
            area: self.area.as_ref().map(AxisId::as_str),
            owner: self.owner.as_ref().map(MemberId::as_str),
            why: self.why.as_deref(),
            measure: self.measure.as_deref(),
            unit: self.unit.as_deref(),
            bound: self.bound.as_deref(),
            aggregate: self.aggregate.as_deref(),
            target: self.target.as_deref(),
            window: self.window.as_deref(),
            severity: if severities.is_empty() { clear } else { Some(severities) },
            services: if self.services.is_empty() {
                self.no_filter.then_some(&[])
            } else {
                Some(&self.services)
            },
            due: self.due,
            review: self.review.as_deref(),
            baseline: self.baseline.map(|v| (v, self.baseline_date.unwrap_or(today))),
        }
    }
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The objective's id, also its file name: objectives/<ID>.toml.
    pub id: ObjectiveId,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    pub id: ObjectiveId,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Args, Debug)]
pub struct CheckinArgs {
    pub id: ObjectiveId,
    /// The value measured, in the objective's unit.
    #[arg(allow_hyphen_values = true)]
    pub value: f64,
    /// How it was measured, what it means.
    #[arg(long)]
    pub note: Option<String>,
    /// When it was measured (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[arg(long = "as", value_name = "MEMBER")]
    pub author: Option<MemberId>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct ActionArgs {
    pub id: ObjectiveId,
    #[command(subcommand)]
    pub command: ActionCommand,
}

#[derive(Subcommand, Debug)]
pub enum ActionCommand {
    /// Add a step to the roadmap.
    #[command(
        after_help = "Examples:\n  watchbill objective action fix-fast add \"Write a runbook\" --owner bob --due 2026-12-15"
    )]
    Add {
        title: String,
        #[arg(long, value_name = "MEMBER")]
        owner: Option<MemberId>,
        #[arg(long)]
        due: Option<NaiveDate>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Mark a step done: its number (1 for the first) or a unique part of its title.
    #[command(
        after_help = "Examples:\n  watchbill objective action fix-fast done 1\n  watchbill objective action fix-fast done runbook"
    )]
    Done {
        action: String,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Only these objectives (default: all).
    pub ids: Vec<ObjectiveId>,
    /// Evaluate at this time instead of now: the windows end there.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(ctx: &Ctx, cmd: ObjectiveCommand) -> Result<Exit> {
    match cmd {
        ObjectiveCommand::Add(a) => add(ctx, a),
        ObjectiveCommand::Edit(a) => edit(ctx, a),
        ObjectiveCommand::List(a) => list(ctx, a),
        ObjectiveCommand::Checkin(a) => checkin(ctx, a),
        ObjectiveCommand::Action(a) => action(ctx, a),
        ObjectiveCommand::Status(a) => status(ctx, a),
    }
}

/// Today in the crew's zone (a baseline's default date).
fn today(model: &Model, now: DateTime<FixedOffset>) -> NaiveDate {
    model.settings.schedule.local_date(&now)
}

fn add(ctx: &Ctx, a: AddArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    let now = ctx.now(&model)?;
    let severities = a.fields.severities();
    let set = objective::add(&model, &a.id, &a.fields.fields(&severities, today(&model, now)))?;
    ctx.write(&root, &set, &a.write)?;
    Ok(Exit::Ok)
}

/// Writes `edit` on the latest version of the objective's file, once the gate admits it.
fn write_edit(ctx: &Ctx, root: &Path, write: &WriteArgs, edit: &objective::Edit) -> Result<Exit> {
    ctx.edit_file(root, write, &edit.path, None, &edit.message, |text| edit.apply(text))?;
    Ok(Exit::Ok)
}

fn edit(ctx: &Ctx, a: EditArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    let now = ctx.now(&model)?;
    let severities = a.fields.severities();
    let fields = a.fields.fields(&severities, today(&model, now));
    write_edit(ctx, &root, &a.write, &objective::edit(&model, &a.id, &fields)?)
}

fn action(ctx: &Ctx, a: ActionArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    match &a.command {
        ActionCommand::Add { title, owner, due, write } => {
            write_edit(ctx, &root, write, &objective::add_action(&model, &a.id, title, owner.as_ref(), *due)?)
        }
        ActionCommand::Done { action, write } => {
            write_edit(ctx, &root, write, &objective::action_done(&model, &a.id, action)?)
        }
    }
}

fn checkin(ctx: &Ctx, a: CheckinArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    let now = ctx.now(&model)?;
    let at = at_or_now(&model, a.at.as_deref(), now)?;
    let by = author(&root, &model, a.author.as_ref())?;
    let checkin = objective::Checkin {
        id: &a.id,
        value: a.value,
        note: a.note.as_deref(),
        at,
        by: &by,
        suffix: &suffix(),
    };
    ctx.write(&root, &objective::checkin(&model, &checkin)?, &a.write)?;
    Ok(Exit::Ok)
}

// ---- reading --------------------------------------------------------------------------------

fn list(ctx: &Ctx, a: ListArgs) -> Result<Exit> {
    let (_, model) = ctx.load(Some(&a.read), OBJECTIVES)?;
    let views = objective::list(&model);
    if a.format == ListFormat::Json {
        out!("{}", output::json(&views)?);
        return Ok(Exit::Ok);
    }
    if views.is_empty() {
        outln!("no objectives yet: add one with `watchbill objective add`");
    }
    for v in &views {
        outln!("{}  {}", v.id, v.title);
        let mut about = Vec::new();
        if let Some(a) = v.area {
            about.push(format!("area {a}"));
        }
        if let Some(o) = v.owner {
            about.push(format!("owner {o}"));
        }
        if let Some(d) = v.due {
            about.push(format!("due {}", d.0));
        }
        if let Some(r) = v.review {
            about.push(format!("reviewed {r}"));
        }
        let judged = describe(v.measure, v.unit, v.bound.as_ref(), v.aggregate, &v.target);
        outln!("    {judged}, over {}", v.window);
        if !about.is_empty() {
            outln!("    {}", about.join(", "));
        }
        if !v.actions.is_empty() {
            let done = v.actions.iter().filter(|a| a.done).count();
            outln!("    roadmap: {done} of {} done", v.actions.len());
            for a in &v.actions {
                let mut who = Vec::new();
                if let Some(o) = a.owner {
                    who.push(o.to_string());
                }
                if let Some(d) = a.due {
                    who.push(format!("due {}", d.0));
                }
                let who = if who.is_empty() { String::new() } else { format!(" ({})", who.join(", ")) };
                outln!("      {}. [{}] {}{who}", a.number, if a.done { "x" } else { " " }, a.title);
            }
        }
    }
    Ok(Exit::Ok)
}

/// An objective in words: "restored - started < 10 min for >= 80% of incidents",
/// "p90 of restored - started < 30 min", "count(handovers) >= 12".
fn describe(
    measure: &str,
    unit: Unit,
    bound: Option<&Comparison>,
    agg: Aggregate,
    target: &Comparison,
) -> String {
    let in_unit = |c: &Comparison, agg| crate::format::target(c, unit, agg);
    let records = match measure {
        "survey.comfort" => "members",
        "checkin" => "check-ins",
        _ => "incidents",
    };
    let what = match measure {
        "survey.comfort" => "comfort",
        "checkin" => "check-ins",
        m => m,
    };
    let target_text = in_unit(target, agg);
    match (agg, bound.map(|b| in_unit(b, Aggregate::Mean))) {
        (Aggregate::Share, Some(b)) => format!("{what} {b} for {target_text} of {records}"),
        (Aggregate::All, Some(b)) => format!("{what} {b} for every one of the {records}"),
        (Aggregate::Count, _) if measure.starts_with("count(") => format!("{measure} {target_text}"),
        (Aggregate::Count, _) => format!("number of {records} {target_text}"),
        (agg, _) => {
            let name =
                serde_json::to_value(agg).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            format!("{name} of {what} {target_text}")
        }
    }
}

fn verdict_word(e: &Evaluation) -> &'static str {
    match e.verdict {
        Verdict::Met if e.at_risk => "AT RISK",
        Verdict::Met => "MET",
        Verdict::Missed => "MISSED",
        Verdict::NoData => "NO DATA",
    }
}

/// The value of an evaluation or a trend point, or "no data".
fn shown(value: Option<f64>, verdict: Verdict, e: &Evaluation) -> String {
    value.map_or_else(
        || "no data".to_string(),
        |v| crate::format::value_against(v, e.unit, e.aggregate, &e.target, verdict == Verdict::Met),
    )
}

/// Up to `max` records, then how many more.
fn some(records: &[String], max: usize) -> String {
    let mut s = records.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if records.len() > max {
        s.push_str(&format!(", and {} more", records.len() - max));
    }
    s
}

/// The text report of evaluations, one block per objective.
pub fn status_text(evaluations: &[Evaluation]) -> String {
    let mut out = String::new();
    let count = |v: Verdict| evaluations.iter().filter(|e| e.verdict == v).count();
    out.push_str(&format!(
        "{} objective(s): {} met ({} at risk), {} missed, {} with no data\n",
        evaluations.len(),
        count(Verdict::Met),
        evaluations.iter().filter(|e| e.at_risk).count(),
        count(Verdict::Missed),
        count(Verdict::NoData)
    ));
    for e in evaluations {
        let judged = describe(&e.measure, e.unit, e.bound.as_ref(), e.aggregate, &e.target);
        let since = e.from.get(..10).unwrap_or(&e.from);
        out.push_str(&format!("\n{:8} {}  {}\n", verdict_word(e), e.id, e.title));
        out.push_str(&format!("         {judged}, over {} (since {since})\n", e.window));
        let samples = if e.samples == 1 { "1 sample".to_string() } else { format!("{} samples", e.samples) };
        match e.value {
            Some(_) => {
                out.push_str(&format!("         now: {} from {samples}\n", shown(e.value, e.verdict, e)))
            }
            None => out.push_str("         now: no data in the window (not a pass)\n"),
        }
        if let Some(r) = &e.risk {
            out.push_str(&format!("         at risk: {r}\n"));
        }
        let trend: Vec<String> = e.trend.iter().map(|p| shown(p.value, p.verdict, e)).collect();
        out.push_str(&format!("         trend, oldest first: {}\n", trend.join(" · ")));
        if !e.misses.is_empty() {
            out.push_str(&format!("         missing it ({}): {}\n", e.misses.len(), some(&e.misses, 5)));
        }
        if !e.incomplete.is_empty() {
            out.push_str(&format!(
                "         open, not counted ({}): {}\n",
                e.incomplete.len(),
                some(&e.incomplete, 5)
            ));
        }
        if let Some(b) = &e.baseline {
            out.push_str(&format!(
                "         baseline: {} on {}\n",
                display_value(b.value, e.unit, e.aggregate),
                b.date.0
            ));
        }
    }
    out
}

/// `status`'s lines about the objectives needing attention (nothing when none does).
pub fn attention_text(evaluations: &[Evaluation]) -> String {
    if evaluations.is_empty() {
        return String::new();
    }
    let missed = evaluations.iter().filter(|e| e.verdict == Verdict::Missed).count();
    let mut out = format!("\nObjectives: {missed} missed, {} at risk\n", evaluations.len() - missed);
    for e in evaluations {
        let target = describe(&e.measure, e.unit, e.bound.as_ref(), e.aggregate, &e.target);
        out.push_str(&format!(
            "  {:8} {}: {} ({target})\n",
            verdict_word(e),
            e.id,
            shown(e.value, e.verdict, e)
        ));
        if let Some(r) = &e.risk {
            out.push_str(&format!("           {r}\n"));
        }
    }
    out
}

/// The time `--at` names (a date alone is the end of that day, see [`crate::time::parse_until`]),
/// or now.
pub(super) fn at_or_now(
    model: &Model,
    at: Option<&str>,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>> {
    match at {
        Some(s) => crate::time::parse_until(s, model.settings.schedule.tz, now)
            .map_err(|e| Error::usage(format!("--at: {e}"))),
        None => Ok(now),
    }
}

fn status(ctx: &Ctx, a: StatusArgs) -> Result<Exit> {
    let mut session = ctx.session(Some(&a.read))?;
    let at = at_or_now(&session.model, a.at.as_deref(), session.now)?;
    session.read_for_objectives(at, metrics::TREND_WINDOWS)?;
    let evaluations = objective::status(&session.model, &a.ids, at)?;
    if a.format == ListFormat::Json {
        out!("{}", output::json(&evaluations)?);
        return Ok(Exit::Ok);
    }
    if evaluations.is_empty() {
        outln!("no objectives yet: add one with `watchbill objective add`");
        return Ok(Exit::Ok);
    }
    outln!("At {}:", rfc3339(&at));
    out!("{}", status_text(&evaluations));
    Ok(Exit::Ok)
}
