//! `watchbill rota export`: the rota as a paging tool's overrides, printed or pushed.

use super::{output, Ctx, ListFormat, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::export::{self, push, record, Request};
use crate::import::Tool;
use crate::model::{Needs, Weeks};
use crate::store;
use crate::time::IsoWeek;
use clap::Args;

/// Print (or --push) the requests that create one override per captain per watch (split around
/// each cover, plus one per cover for the stand-in) in a paging tool's schedule.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill rota export pagerduty --schedule PABC123
  watchbill rota export opsgenie --schedule 4513b7ea-3b91-438f-b7e4-e3e54af9147c --weeks 8 --format json
  PAGERDUTY_TOKEN=… watchbill rota export pagerduty --schedule PABC123 --push
  watchbill rota export grafana-oncall --from 2026-W48
  GRAFANA_ONCALL_TOKEN=… watchbill rota export grafana-oncall --schedule SBM7DV7BKFUYU \
    --base-url https://oncall.example.org --push

Members are the tool's users by e-mail (Opsgenie) or by their id in crew.toml
(`pagerduty = \"PXXXX\"`, `opsgenie = …`, `grafana_oncall = \"UXXXX\"`), else, with --push
to PagerDuty or Grafana OnCall, the one user the tool has with exactly their e-mail; a member
who is none of these is reported with the fix. --push records what it created in
exports/<tool>-<schedule>.toml and, on a later push, deletes those of a re-planned week
(or of a week whose covers changed) and creates them anew. In Grafana OnCall it also rewrites
the schedule's list of shifts: those watchbill deleted leave it, those it created join it,
the others stay.")]
pub struct ExportArgs {
    /// pagerduty, opsgenie or grafana-oncall.
    #[arg(value_enum)]
    pub tool: Tool,
    /// The tool's schedule the overrides go into (needed but to print grafana-oncall shifts).
    #[arg(long, value_name = "ID")]
    pub schedule: Option<String>,
    /// First week (default: the current one).
    #[arg(long)]
    pub from: Option<IsoWeek>,
    /// How many weeks.
    #[arg(long, default_value_t = 4)]
    pub weeks: u32,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    /// Send the requests, with the token in PAGERDUTY_TOKEN, OPSGENIE_TOKEN or GRAFANA_ONCALL_TOKEN.
    #[arg(long)]
    pub push: bool,
    /// The tool's API (default: its public one); for a regional or self-hosted instance, and
    /// needed for Grafana OnCall (its API URL, e.g. https://oncall-prod-us-central-0.grafana.net/oncall).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

pub fn run(ctx: &Ctx, a: ExportArgs) -> Result<Exit> {
    if !export::supported(a.tool) {
        return Err(Error::usage(format!("{} has no override API watchbill writes to", a.tool.title()))
            .help("export to pagerduty, opsgenie or grafana-oncall"));
    }
    let schedule = match (&a.schedule, a.tool) {
        (Some(s), _) => s.clone(),
        // OnCall shifts are made apart from schedules: printing them needs none.
        (None, Tool::GrafanaOncall) if !a.push => String::new(),
        (None, _) => {
            let what = if a.push { " to push" } else { "" };
            return Err(Error::usage(format!("{} needs --schedule ID{what}", a.tool.title()))
                .help("the id is in the schedule's URL in the tool"));
        }
    };
    if a.weeks == 0 || a.weeks > 520 {
        return Err(Error::usage("--weeks must be between 1 and 520"));
    }
    let mut session = ctx.session(None)?;
    let from = a.from.unwrap_or_else(|| session.model.settings.schedule.week_at(&session.now));
    let weeks: Vec<IsoWeek> = (0..i64::from(a.weeks)).map(|i| from.plus(i)).collect();
    session.read(Needs::rota_in(Weeks::between(from, from.plus(i64::from(a.weeks) - 1))))?;
    let model = &session.model;
    // PagerDuty and OnCall take a user id: a push looks up the captains who have only an
    // e-mail (a read, so --dry-run does it too, as `git push --dry-run` asks the remote).
    let mut found = std::collections::BTreeMap::new();
    let to_find = if a.push { export::emails_to_find(model, a.tool, &weeks) } else { Vec::new() };
    if !to_find.is_empty() {
        let client = client(&a)?;
        for email in to_find {
            let answer = client.send(&export::find_user(a.tool, &email))?;
            if let Some(id) = export::user_with_email(a.tool, &answer, &email) {
                found.insert(email, id);
            }
        }
    }
    let wanted = export::overrides(model, a.tool, &weeks, &found).map_err(|unmatched| {
        let list: Vec<String> =
            unmatched.iter().map(|u| format!("{} {}: {}", u.week, u.member, u.help)).collect();
        Error::refused(format!(
            "{} captain(s) cannot be matched to a {} user:\n  {}",
            unmatched.len(),
            a.tool.title(),
            list.join("\n  ")
        ))
        .help("watchbill never guesses who a person is in the tool; add the ids, then run again")
    })?;
    let tz = model.settings.schedule.tz.name();
    if !a.push {
        let requests: Vec<Request> =
            wanted.iter().map(|o| export::create(a.tool, &schedule, o, tz, None)).collect();
        print_requests(&requests, a.format)?;
        if wanted.is_empty() {
            output::warn(format_args!(
                "no rota weeks from {from} for {} weeks: plan them with `watchbill rota plan`",
                a.weeks
            ));
        }
        return Ok(Exit::Ok);
    }
    let path = record::path(a.tool, &schedule);
    let before = match store::read_current(&session.root, &a.write.mode(), &path)? {
        Some(b) => {
            record::parse(&path, &String::from_utf8_lossy(&b)).map_err(|m| Error::problems(m, Vec::new()))?
        }
        None => record::Record::default(),
    };
    let plan = export::push_plan(&before, &wanted, &weeks);
    // OnCall: even with nothing to create, the schedule must list the shifts of these weeks.
    let oncall = a.tool == Tool::GrafanaOncall;
    let nothing = plan.delete.is_empty() && plan.create.is_empty();
    if nothing && !oncall {
        outln!("nothing to push: {} already as planned", plural(plan.unchanged.len()));
        return Ok(Exit::Ok);
    }
    let deletes: Vec<Request> =
        plan.delete.iter().map(|c| export::delete(a.tool, &schedule, &c.id)).collect();
    let dry_run = |creates: &[Request], rewrite: bool| {
        for r in deletes.iter().chain(creates) {
            outln!("would send {} {}", r.method, r.path);
        }
        if rewrite {
            outln!("would send PUT /api/v1/schedules/{schedule}/ (its list of shifts)");
        }
        Ok(Exit::Ok)
    };
    if a.write.dry_run && !oncall {
        let creates: Vec<Request> =
            plan.create.iter().map(|o| export::create(a.tool, &schedule, o, tz, None)).collect();
        return dry_run(&creates, false);
    }
    let client = client(&a)?;
    let target = if oncall {
        let answer = client.send(&export::get_schedule(&schedule))?;
        Some(export::oncall_schedule(&answer).map_err(|m| {
            Error::refused(format!("Grafana OnCall schedule {schedule}: {m}"))
                .help("push to a web or calendar schedule; its id is in its URL")
        })?)
    } else {
        None
    };
    let team = target.as_ref().and_then(|t| t.team.as_deref());
    let creates: Vec<Request> =
        plan.create.iter().map(|o| export::create(a.tool, &schedule, o, tz, team)).collect();
    if a.write.dry_run {
        // OnCall: the schedule is rewritten when shifts come or go, or one of ours is missing.
        let kept: Vec<String> = (before.created.iter())
            .filter(|c| weeks.contains(&c.week) && !plan.delete.contains(c))
            .map(|c| c.id.clone())
            .collect();
        let gone: Vec<String> = plan.delete.iter().map(|c| c.id.clone()).collect();
        let listed = target.as_ref().map_or(&[][..], |t| &t.shifts[..]);
        let rewrite = !plan.create.is_empty() || export::attached(listed, &gone, &kept).is_some();
        if nothing && !rewrite {
            outln!("nothing to push: {} already as planned", plural(plan.unchanged.len()));
            return Ok(Exit::Ok);
        }
        return dry_run(&creates, rewrite);
    }
    // Whatever happens half-way, what was done is recorded, so the next push starts from it.
    let mut deleted = Vec::new();
    let mut created = Vec::new();
    let mut failure = None;
    for (c, r) in plan.delete.iter().zip(&deletes) {
        match client.send(r) {
            Ok(_) => deleted.push(c.id.clone()),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    if failure.is_none() {
        for (o, r) in plan.create.iter().zip(&creates) {
            match client.send(r).and_then(|body| push::created_id(a.tool, &o.alias, &body)) {
                Ok(id) => created.push(record::Created {
                    week: o.week,
                    member: o.member.clone(),
                    user: o.user.clone(),
                    start: o.start.clone(),
                    end: o.end.clone(),
                    id,
                }),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
    }
    let mut attached = None;
    if let Some(t) = &target {
        let ours: Vec<String> = (before.created.iter())
            .filter(|c| weeks.contains(&c.week) && !deleted.contains(&c.id))
            .chain(&created)
            .map(|c| c.id.clone())
            .collect();
        if let Some(list) = export::attached(&t.shifts, &deleted, &ours) {
            match client.send(&export::attach(&schedule, &list)) {
                Ok(_) => attached = Some(list.len()),
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
    }
    if nothing && attached.is_none() && failure.is_none() {
        outln!("nothing to push: {} already as planned", plural(plan.unchanged.len()));
        return Ok(Exit::Ok);
    }
    let listing = match attached {
        Some(n) => format!(", the schedule now lists {n} shift(s)"),
        None => String::new(),
    };
    outln!("{} {}: {} deleted, {} created{listing}", a.tool.title(), schedule, deleted.len(), created.len());
    if !deleted.is_empty() || !created.is_empty() {
        let message = format!(
            "rota export: {} override(s) created, {} deleted in {} schedule {schedule}",
            created.len(),
            deleted.len(),
            a.tool.title()
        );
        ctx.edit_file(&session.root, &a.write, &path, Some(""), &message, |text| {
            let mut r = if text.is_empty() {
                record::Record::default()
            } else {
                record::parse(&path, text).map_err(|m| Error::problems(m, Vec::new()))?
            };
            r.created.retain(|c| !deleted.contains(&c.id));
            r.created.extend(created.iter().cloned());
            Ok(record::to_toml(a.tool, &schedule, &r))
        })?;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(Exit::Ok),
    }
}

/// A client of the tool's API with the token from the environment.
fn client(a: &ExportArgs) -> Result<push::Client> {
    let token = std::env::var(push::token_var(a.tool))
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| Error::usage(format!("--push needs the API token in {}", push::token_var(a.tool))))?;
    let base = a.base_url.as_deref().or(push::default_base(a.tool)).ok_or_else(|| {
        Error::usage(format!("{} has no public API address: give --base-url", a.tool.title()))
    })?;
    Ok(push::Client::new(a.tool, base, token))
}

fn print_requests(requests: &[Request], format: ListFormat) -> Result<()> {
    if format == ListFormat::Json {
        out!("{}", output::json(&requests)?);
        return Ok(());
    }
    for r in requests {
        outln!("{} {}", r.method, r.path);
        outln!("{}\n", serde_json::to_string_pretty(&r.body).unwrap_or_default());
    }
    Ok(())
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 week is".into()
    } else {
        format!("{n} weeks are")
    }
}
