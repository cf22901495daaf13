//! `watchbill import`: a paging tool's alerts into the logbook.

use super::{Ctx, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::MemberId;
use crate::import::{self, Tool};
use crate::model::{Needs, Weeks};
use crate::usecase::import as usecase;
use clap::Args;
use std::path::PathBuf;

/// Import incidents from a paging tool's API responses (PagerDuty, Opsgenie, Grafana OnCall,
/// GoAlert) into the logbook; run it again at will, it only adds and updates.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill import pagerduty incidents-p1.json incidents-p2.json log_entries.json
  watchbill import opsgenie alerts.json --since 2026-11-16T00:00:00+01:00 --dry-run
  watchbill import grafana-oncall alert_groups.json --as alice
  watchbill import goalert alerts.json
  watchbill import pagerduty --schedule schedule-2026.json      past rota weeks

docs/interop.md shows the request that gives each file, and the [import] tables of
watchbill.toml that map the tool's services and priorities.
Exit codes: 2 a file is not the named tool's response (or truncated, or a time has no offset),
3 the export names a service, user or priority the crew's files do not map.")]
pub struct ImportArgs {
    /// The paging tool the files come from.
    #[arg(value_enum)]
    pub tool: Tool,
    /// The tool's API responses: several pages as several files, or one after the other.
    #[arg(required_unless_present = "schedule", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The tool's final schedule (repeat for several files): past weeks the rota does not have
    /// yet become confirmed rota weeks.
    #[arg(long, value_name = "FILE")]
    pub schedule: Vec<PathBuf>,
    /// Only alerts triggered at or after this time.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// The author of new entries (default: the member whose e-mail is git's user.email).
    #[arg(long = "as", value_name = "MEMBER")]
    pub author: Option<MemberId>,
    #[command(flatten)]
    pub write: WriteArgs,
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>> {
    paths
        .iter()
        .map(|f| {
            let bytes =
                std::fs::read(f).map_err(|e| Error::usage(format!("cannot read {}: {e}", f.display())))?;
            Ok((f.display().to_string(), bytes))
        })
        .collect()
}

pub fn run(ctx: &Ctx, a: ImportArgs) -> Result<Exit> {
    let alerts = match a.files.is_empty() {
        true => Vec::new(),
        false => import::read(a.tool, &read_all(&a.files)?).map_err(usecase::to_error)?,
    };
    let shifts = match a.schedule.is_empty() {
        true => Vec::new(),
        false => import::read_schedule(a.tool, &read_all(&a.schedule)?).map_err(usecase::to_error)?,
    };
    let mut session = ctx.session(None)?;
    let since = a
        .since
        .as_deref()
        .map(|s| {
            crate::time::parse_time(s, session.model.settings.schedule.tz, session.now)
                .map_err(|e| Error::usage(format!("--since: {e}")))
        })
        .transpose()?;
    // The weeks the alerts are filed under, and the shifts cover, a week either way (an entry
    // is filed in its crew's zone, the tool's times are in UTC).
    let schedule = session.model.settings.schedule;
    let span = |times: Vec<chrono::DateTime<chrono::FixedOffset>>| {
        let weeks: Vec<_> = times.iter().map(|t| schedule.week_at(t)).collect();
        Some(Weeks::between(weeks.iter().min()?.prev(), weeks.iter().max()?.next()))
    };
    if let Some(w) = span(alerts.iter().map(|x| x.triggered).collect()) {
        session.read(Needs::logbook_in(w))?;
    }
    if let Some(w) = span(shifts.iter().flat_map(|s| [s.start, s.end]).collect()) {
        session.read(Needs::rota_in(w))?;
    }
    let weeks = usecase::schedule(&session.model, a.tool, &shifts, session.now).map_err(usecase::to_error)?;
    let author = match alerts.is_empty() {
        true => None,
        false => Some(super::log::author(&session.root, &session.model, a.author.as_ref())?),
    };
    let mut summary = None;
    ctx.write_edit(&session.root, &a.write, |read| {
        let mut plan = match &author {
            Some(who) => usecase::import(&session.model, a.tool, &alerts, who.as_str(), since, read)?,
            None => usecase::Plan::default(),
        };
        let experience = usecase::experience_change(&weeks, read)?;
        if !weeks.added.is_empty() || experience.is_some() {
            let lines = usecase::schedule_message(a.tool, &weeks);
            plan.set.message = match plan.set.changes.is_empty() {
                true => lines,
                false => format!("{}\n{lines}", plan.set.message),
            };
            plan.set.changes.extend(weeks.changes.iter().cloned());
            plan.set.changes.extend(experience);
        }
        let set = plan.set.clone();
        summary = Some(plan);
        Ok(set)
    })?;
    if let Some(p) = summary.filter(|_| !alerts.is_empty()) {
        for (id, field) in &p.kept {
            outln!("kept {id}: {field} (edited by a person)");
        }
        if p.added.is_empty() && p.updated.is_empty() {
            outln!("nothing to import: {} up to date", plural(p.unchanged, "alert"));
        } else {
            outln!("{} added, {} updated, {} up to date", p.added.len(), p.updated.len(), p.unchanged);
        }
        if p.skipped > 0 {
            outln!("{} triggered before --since, passed over", plural(p.skipped, "alert"));
        }
    }
    if !shifts.is_empty() {
        for (week, crew) in &weeks.differ {
            let names: Vec<&str> = crew.iter().map(|m| m.as_str()).collect();
            outln!("kept {week}: the rota has it already (the schedule says {})", names.join(", "));
        }
        outln!(
            "{} past rota week(s) added, {} already in the rota, {} not over yet (the rota plans those)",
            weeks.added.len(),
            weeks.unchanged + weeks.differ.len(),
            weeks.not_over
        );
        if !weeks.experienced.is_empty() {
            let names: Vec<&str> = weeks.experienced.iter().map(MemberId::as_str).collect();
            outln!("declared experienced in crew.toml: {}", names.join(", "));
        }
    }
    Ok(Exit::Ok)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what} is")
    } else {
        format!("{n} {what}s are")
    }
}
