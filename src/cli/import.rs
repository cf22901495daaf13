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

docs/interop.md shows the request that gives each file, and the [import] tables of
watchbill.toml that map the tool's services and priorities.
Exit codes: 2 a file is not the named tool's response (or truncated, or a time has no offset),
3 the export names a service, user or priority the crew's files do not map.")]
pub struct ImportArgs {
    /// The paging tool the files come from.
    #[arg(value_enum)]
    pub tool: Tool,
    /// The tool's API responses: several pages as several files, or one after the other.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Only alerts triggered at or after this time.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// The author of new entries (default: the member whose e-mail is git's user.email).
    #[arg(long = "as", value_name = "MEMBER")]
    pub author: Option<MemberId>,
    #[command(flatten)]
    pub write: WriteArgs,
}

pub fn run(ctx: &Ctx, a: ImportArgs) -> Result<Exit> {
    let mut files = Vec::new();
    for f in &a.files {
        let bytes = std::fs::read(f).map_err(|e| Error::usage(format!("cannot read {}: {e}", f.display())))?;
        files.push((f.display().to_string(), bytes));
    }
    let alerts = import::read(a.tool, &files).map_err(usecase::to_error)?;
    let mut session = ctx.session(None)?;
    let since = a
        .since
        .as_deref()
        .map(|s| {
            crate::time::parse_time(s, session.model.settings.schedule.tz, session.now)
                .map_err(|e| Error::usage(format!("--since: {e}")))
        })
        .transpose()?;
    // The weeks the alerts are filed under, a week either way (an entry is filed in its
    // crew's zone, the tool's times are in UTC).
    let schedule = session.model.settings.schedule;
    let weeks = alerts.iter().map(|x| schedule.week_at(&x.triggered));
    if let (Some(first), Some(last)) = (weeks.clone().min(), weeks.max()) {
        session.read(Needs::logbook_in(Weeks::between(first.prev(), last.next())))?;
    }
    let author = super::log::author(&session.root, &session.model, a.author.as_ref())?;
    let mut summary = None;
    ctx.write_edit(&session.root, &a.write, |read| {
        let plan = usecase::import(&session.model, a.tool, &alerts, author.as_str(), since, read)?;
        let set = plan.set.clone();
        summary = Some(plan);
        Ok(set)
    })?;
    if let Some(p) = summary {
        for (id, field) in &p.kept {
            println!("kept {id}: {field} (edited by a person)");
        }
        if p.added.is_empty() && p.updated.is_empty() {
            println!("nothing to import: {} up to date", plural(p.unchanged, "alert"));
        } else {
            println!(
                "{} added, {} updated, {} up to date",
                p.added.len(),
                p.updated.len(),
                p.unchanged
            );
        }
        if p.skipped > 0 {
            println!("{} triggered before --since, passed over", plural(p.skipped, "alert"));
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
