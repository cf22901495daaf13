//! `watchbill objective …`, `survey`, `assess`, `maturity show`: goals measured from the records.

use super::log::{author, suffix, SeverityArg};
use super::{output, Ctx, ListFormat, ReadArgs, WriteArgs};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Exit, Result};
use crate::ids::{AxisId, MemberId, ObjectiveId};
use crate::metrics::{self, display_value, AxisStatus, Evaluation, Verdict};
use crate::model::logbook::Severity;
use crate::model::objective::{
    write as objective_write, Aggregate, Comparison, Measure, Unit, CHECKIN_DIR, DIR,
};
use crate::model::{Model, Needs, RawFile};
use crate::store::{self, Base, Change, ChangeSet};
use crate::time::rfc3339;
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

/// Record how comfortable a member feels taking the captain role (1 to 5).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill survey alice 4                       this quarter's round (e.g. 2026-q4)
  watchbill survey bob 2 --round 2026-q3 --comment \"Databases still scare me\"")]
pub struct SurveyArgs {
    pub member: MemberId,
    /// 1 (not at all comfortable) to 5 (entirely).
    #[arg(value_parser = clap::value_parser!(u8).range(1..=5))]
    pub score: u8,
    /// The survey round, a folder of surveys/ (default: the current quarter, like 2026-q4).
    #[arg(long)]
    pub round: Option<String>,
    /// When the member answered (default: today).
    #[arg(long)]
    pub answered: Option<NaiveDate>,
    #[arg(long)]
    pub comment: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

/// Record an assessment of the maturity matrix: a level per axis, with notes.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill assess --level stability=3 --level monitoring=2 --note stability=\"Restores are fast now\"
  watchbill assess --level talent=2 --note \"Quarterly review with management\" --date 2026-12-31 --by \"Coach\"

A note written AXIS=TEXT (AXIS an axis of maturity.toml) is that axis's note; any other is a
note on the whole assessment.")]
pub struct AssessArgs {
    /// An axis and its level, like stability=3 (repeat for each axis assessed).
    #[arg(long = "level", value_name = "AXIS=N", required = true)]
    pub levels: Vec<String>,
    /// A note on one axis (AXIS=TEXT) or on the whole assessment.
    #[arg(long = "note", value_name = "[AXIS=]TEXT")]
    pub notes: Vec<String>,
    /// The assessment's date, also its file name (default: today).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// Who assessed (default: the member whose e-mail is git's).
    #[arg(long)]
    pub by: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

/// The maturity matrix: assessed levels, targets, history, and whether the evidence holds.
#[derive(Subcommand, Debug)]
pub enum MaturityCommand {
    /// Each axis: its current level, target, history, and which evidence holds today; a level
    /// claimed without its evidence is flagged.
    #[command(after_help = "Examples:
  watchbill maturity show
  watchbill maturity show --format json
  watchbill maturity show --at 2026-06-30")]
    Show {
        /// Show the matrix as it stood at this time.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        #[command(flatten)]
        read: ReadArgs,
    },
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

fn objective_path(id: &ObjectiveId) -> String {
    format!("{DIR}/{id}.toml")
}

/// `Error` with the problems `check` found in a file a command was about to write.
fn invalid(exit: Exit, path: &str, problems: Vec<Diagnostic>) -> Error {
    let mut e = Error::problems(format!("{path} would not be valid; nothing was written"), problems)
        .help("see \"Objectives\" in docs/format.md");
    e.exit = exit;
    e
}

/// Adds `text` to the model as `path` and refuses it if `check` would report an error in it:
/// a typo in a measure or target is a usage error (2), a reference to an unknown member or
/// axis a refusal (3).
fn refuse_problems(model: &mut Model, path: &str, text: &str, now: DateTime<FixedOffset>) -> Result<()> {
    let parsed: Vec<Diagnostic> = model
        .insert_file(RawFile { path: path.into(), bytes: text.as_bytes().to_vec() })
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !parsed.is_empty() {
        return Err(invalid(Exit::Usage, path, parsed));
    }
    let rules: Vec<Diagnostic> =
        crate::check::check(model, now).into_iter().filter(|d| d.path == path && d.is_error()).collect();
    if !rules.is_empty() {
        return Err(invalid(Exit::Refused, path, rules));
    }
    Ok(())
}

fn today(model: &Model, now: DateTime<FixedOffset>) -> NaiveDate {
    model.settings.schedule.local_date(&now)
}

fn add(ctx: &Ctx, a: AddArgs) -> Result<Exit> {
    let (root, mut model) = ctx.load(None, OBJECTIVES)?;
    let now = ctx.now(&model)?;
    let f = &a.fields;
    let missing: Vec<&str> = [
        ("--title", f.title.is_none()),
        ("--measure", f.measure.is_none()),
        ("--aggregate", f.aggregate.is_none()),
        ("--target", f.target.is_none()),
        ("--window", f.window.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !missing.is_empty() {
        return Err(Error::usage(format!("a new objective needs {}", missing.join(", ")))
            .help("see `watchbill objective add --help` for examples"));
    }
    let path = objective_path(&a.id);
    if model.source(&path).is_some() {
        return Err(Error::refused(format!("objective `{}` already exists", a.id))
            .help(format!("change it with `watchbill objective edit {}`", a.id)));
    }
    let severities = f.severities();
    let text = objective_write::set("", &f.fields(&severities, today(&model, now))).map_err(Error::usage)?;
    refuse_problems(&mut model, &path, &text, now)?;
    let set = ChangeSet {
        message: format!("objectives: add {} {:?}", a.id, f.title.as_deref().unwrap_or_default()),
        changes: vec![Change { path, contents: text.into_bytes(), base: Base::Absent }],
    };
    ctx.write(&root, &set, &a.write)?;
    Ok(Exit::Ok)
}

/// Applies `change` to the latest version of an objective's file, checks the result, writes it.
fn edit_objective(
    ctx: &Ctx,
    root: &Path,
    mut model: Model,
    id: &ObjectiveId,
    write: &WriteArgs,
    message: String,
    change: impl Fn(&str) -> std::result::Result<String, String>,
) -> Result<Exit> {
    let now = ctx.now(&model)?;
    let path = objective_path(id);
    if model.source(&path).is_none() {
        return Err(
            Error::refused(format!("there is no objective `{id}`")).help("see `watchbill objective list`")
        );
    }
    ctx.edit_file(root, write, &path, None, &message, |text| {
        let after = change(text).map_err(Error::refused)?;
        refuse_problems(&mut model, &path, &after, now)?;
        Ok(after)
    })?;
    Ok(Exit::Ok)
}

fn edit(ctx: &Ctx, a: EditArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    let now = ctx.now(&model)?;
    let severities = a.fields.severities();
    let fields = a.fields.fields(&severities, today(&model, now));
    let names = fields.names();
    if names.is_empty() {
        return Err(
            Error::usage("nothing to change").help("give at least one of --title, --target, --window, …")
        );
    }
    let message = format!("objectives: edit {} ({})", a.id, names.join(", "));
    edit_objective(ctx, &root, model, &a.id, &a.write, message, |t| objective_write::set(t, &fields))
}

fn action(ctx: &Ctx, a: ActionArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    let id = a.id;
    match a.command {
        ActionCommand::Add { title, owner, due, write } => {
            let message = format!("objectives: {id} action {title:?}");
            let owner = owner.as_ref().map(MemberId::as_str);
            edit_objective(ctx, &root, model, &id, &write, message, |t| {
                objective_write::add_action(t, &title, owner, due)
            })
        }
        ActionCommand::Done { action, write } => {
            // The title goes into the commit message, so it is found before the edit.
            let current = model.source(&objective_path(&id)).unwrap_or_default();
            let title = objective_write::action_done(current, &action).map(|(_, title)| title);
            let message = format!("objectives: {id} action done {:?}", title.as_deref().unwrap_or(&action));
            edit_objective(ctx, &root, model, &id, &write, message, |t| {
                objective_write::action_done(t, &action).map(|(text, _)| text)
            })
        }
    }
}

fn checkin(ctx: &Ctx, a: CheckinArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, OBJECTIVES)?;
    let now = ctx.now(&model)?;
    let o = model.objectives.get(&a.id).ok_or_else(|| {
        Error::refused(format!("there is no objective `{}`", a.id)).help("see `watchbill objective list`")
    })?;
    if o.measure != Measure::Checkin {
        return Err(Error::refused(format!(
            "`{}` is measured from the records (`{}`): check-ins would not count",
            a.id,
            o.file.measure.get_ref()
        ))
        .help("check-ins are for objectives with measure = \"checkin\""));
    }
    if !a.value.is_finite() {
        return Err(Error::usage(format!("{} is not a number", a.value)));
    }
    let at = match &a.at {
        Some(s) => crate::time::parse_until(s, model.settings.schedule.tz, now)
            .map_err(|e| Error::usage(format!("--at: {e}")))?,
        None => now,
    };
    let who = author(&root, &model, a.author.as_ref())?;
    let path = format!(
        "{CHECKIN_DIR}/{}/{}-{who}-{}.toml",
        a.id,
        crate::ids::local_stamp(&at, model.settings.schedule.tz),
        suffix()
    );
    let text = objective_write::checkin(a.value, &at, Some(who.as_str()), a.note.as_deref());
    let set = ChangeSet {
        message: format!("objectives: check-in {} = {}", a.id, a.value),
        changes: vec![Change { path, contents: text.into_bytes(), base: Base::Absent }],
    };
    ctx.write(&root, &set, &a.write)?;
    Ok(Exit::Ok)
}

// ---- reading --------------------------------------------------------------------------------

#[derive(serde::Serialize)]
struct ActionView<'a> {
    number: usize,
    title: &'a str,
    owner: Option<&'a MemberId>,
    due: Option<crate::time::Date>,
    done: bool,
}

#[derive(serde::Serialize)]
struct ObjectiveView<'a> {
    id: &'a ObjectiveId,
    title: &'a str,
    area: Option<&'a AxisId>,
    owner: Option<&'a MemberId>,
    why: Option<&'a str>,
    measure: &'a str,
    unit: Unit,
    bound: Option<Comparison>,
    aggregate: Aggregate,
    target: Comparison,
    window: &'a str,
    filter: &'a crate::model::objective::Filter,
    due: Option<crate::time::Date>,
    review: Option<&'a str>,
    baseline: Option<&'a crate::model::objective::Baseline>,
    actions: Vec<ActionView<'a>>,
}

fn list(ctx: &Ctx, a: ListArgs) -> Result<Exit> {
    let (_, model) = ctx.load(Some(&a.read), OBJECTIVES)?;
    let views: Vec<ObjectiveView> = model
        .objectives
        .values()
        .map(|o| {
            let f = &o.file;
            ObjectiveView {
                id: &o.id,
                title: &f.title,
                area: f.area.as_ref().map(|a| a.get_ref()),
                owner: f.owner.as_ref().map(|o| o.get_ref()),
                why: f.why.as_deref(),
                measure: f.measure.get_ref().trim(),
                unit: o.unit,
                bound: o.bound,
                aggregate: o.aggregate,
                target: o.target,
                window: f.window.get_ref().trim(),
                filter: &f.filter,
                due: f.due,
                review: f.review.as_deref(),
                baseline: f.baseline.as_ref(),
                actions: f
                    .actions
                    .iter()
                    .enumerate()
                    .map(|(i, a)| ActionView {
                        number: i + 1,
                        title: &a.title,
                        owner: a.owner.as_ref().map(|o| o.get_ref()),
                        due: a.due,
                        done: a.done,
                    })
                    .collect(),
            }
        })
        .collect();
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

/// The time `--at` names (a date alone is the end of that day, see [`time::parse_until`]), or
/// now.
fn at_or_now(model: &Model, at: Option<&str>, now: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>> {
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
    let model = session.model;
    for id in &a.ids {
        if !model.objectives.contains_key(id) {
            return Err(Error::refused(format!("there is no objective `{id}`"))
                .help("see `watchbill objective list`"));
        }
    }
    let evaluations: Vec<Evaluation> = model
        .objectives
        .values()
        .filter(|o| a.ids.is_empty() || a.ids.contains(&o.id))
        .map(|o| metrics::evaluate(&model, o, at))
        .collect();
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

// ---- surveys and assessments ----------------------------------------------------------------

pub fn survey(ctx: &Ctx, a: SurveyArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs { objectives: true, ..Needs::CREW })?;
    let now = ctx.now(&model)?;
    let answer = crate::usecase::survey::Answer {
        member: &a.member,
        score: a.score,
        round: a.round.as_deref(),
        answered: a.answered,
        comment: a.comment.as_deref(),
    };
    ctx.write(&root, &crate::usecase::survey::answer(&model, now, &answer)?, &a.write)?;
    Ok(Exit::Ok)
}

/// `AXIS=N` into an axis and a level of the matrix.
pub fn assess(ctx: &Ctx, a: AssessArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs { maturity: true, ..Needs::CREW })?;
    let now = ctx.now(&model)?;
    // Who assessed: git's user, when they are in the crew (the store answers, not the use case).
    let by = a
        .by
        .clone()
        .or_else(|| store::user_email(&root).and_then(|e| model.crew.by_email(&e).map(|m| m.name.clone())));
    let asked = crate::usecase::assess::Assessment {
        levels: &a.levels,
        notes: &a.notes,
        date: a.date,
        by: by.as_deref(),
    };
    ctx.write(&root, &crate::usecase::assess::assess(&model, now, &asked)?, &a.write)?;
    Ok(Exit::Ok)
}

pub fn maturity_run(ctx: &Ctx, cmd: MaturityCommand) -> Result<Exit> {
    let MaturityCommand::Show { at, format, read } = cmd;
    let (_, model) = ctx.load(Some(&read), Needs::ALL)?;
    let now = ctx.now(&model)?;
    let at = at_or_now(&model, at.as_deref(), now)?;
    if model.maturity.is_none() {
        return Err(
            Error::refused("there is no maturity.toml").help("`watchbill init` writes one to start from")
        );
    }
    let axes = metrics::maturity(&model, at);
    if format == ListFormat::Json {
        out!("{}", output::json(&axes)?);
        return Ok(Exit::Ok);
    }
    out!("{}", maturity_text(&axes));
    Ok(Exit::Ok)
}

fn maturity_text(axes: &[AxisStatus]) -> String {
    let mut out = String::new();
    for a in axes {
        let current = a.current.map_or_else(|| "not assessed".to_string(), |l| format!("level {l}"));
        let target = a.target.map_or_else(String::new, |t| format!(", target {t}"));
        out.push_str(&format!("{}  {}: {current} of {}{target}\n", a.id, a.name, a.levels));
        if !a.history.is_empty() {
            let h: Vec<String> = a.history.iter().map(|h| format!("{} {}", h.date, h.level)).collect();
            out.push_str(&format!("    history: {}\n", h.join(" · ")));
        }
        if let Some(note) = a.history.last().and_then(|h| h.note.as_deref()) {
            out.push_str(&format!("    note: {note}\n"));
        }
        for l in a.evidence.iter().filter(|l| !l.evidence.is_empty()) {
            let facts: Vec<String> = l
                .evidence
                .iter()
                .map(|e| {
                    let word = match e.verdict {
                        Verdict::Met if e.at_risk => "met (at risk)",
                        Verdict::Met => "met",
                        Verdict::Missed => "missed",
                        Verdict::NoData => "no data",
                    };
                    format!("{} {word}", e.objective)
                })
                .collect();
            let holds = if l.holds { "holds" } else { "does not hold" };
            out.push_str(&format!("    level {} evidence {holds}: {}\n", l.level, facts.join(", ")));
        }
        if let Some(e) = a.evidenced {
            out.push_str(&format!("    the evidence supports level {e}\n"));
        }
        if let Some(f) = &a.flag {
            out.push_str(&format!("    FLAG: {f}\n"));
        }
        out.push('\n');
    }
    out
}
