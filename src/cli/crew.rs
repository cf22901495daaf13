//! `watchbill crew`: the roster and time away.

use super::{output, Ctx, ListFormat, ReadArgs, WriteArgs};
use crate::error::{Exit, Result};
use crate::ids::{MemberId, TeamId};
use crate::model::crew::{edit, Away};
use crate::model::Needs;
use crate::usecase::crew;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

/// The roster: teams, members and time away (crew.toml).
#[derive(Subcommand, Debug)]
pub enum CrewCommand {
    /// Add a member to a team.
    #[command(after_help = "Examples:
  watchbill crew add alice --name \"Alice Martin\" --team certif --email alice@example.org
  watchbill crew add bob --name Bob --team api --github bob-gh --dry-run")]
    Add(AddArgs),
    /// Add a product team.
    #[command(after_help = "Examples:\n  watchbill crew team certif --name \"Certification\"")]
    Team(TeamArgs),
    /// Change a member's details (only the options given change).
    #[command(after_help = "Examples:
  watchbill crew edit alice --team api
  watchbill crew edit bob --active false     bob left: never planned again")]
    Edit(EditArgs),
    /// Record time away; the planned weeks it breaks are planned again in the same commit.
    #[command(after_help = "Examples:
  watchbill crew away alice --from 2026-12-21 --to 2027-01-03 --reason holidays
  watchbill crew away bob --from 2026-12-01 --to 2026-12-01")]
    Away(AwayArgs),
    /// List teams and members.
    #[command(after_help = "Examples:
  watchbill crew list
  watchbill crew list --format json | jq '.[] | select(.active)'")]
    List(ListArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The member's id: lowercase letters, digits, '-', '_' or '.'.
    pub id: MemberId,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub team: TeamId,
    #[arg(long)]
    pub email: Option<String>,
    /// GitHub handle, to mention them in pull requests.
    #[arg(long)]
    pub github: Option<String>,
    /// Add the member as inactive (never planned).
    #[arg(long)]
    pub inactive: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct TeamArgs {
    pub id: TeamId,
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    pub id: MemberId,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub team: Option<TeamId>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub github: Option<String>,
    /// `true` or `false`; inactive members are never planned.
    #[arg(long)]
    pub active: Option<bool>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct AwayArgs {
    pub id: MemberId,
    /// First day away (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Last day away, included (YYYY-MM-DD).
    #[arg(long)]
    pub to: NaiveDate,
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    /// Only this team's members.
    #[arg(long)]
    pub team: Option<TeamId>,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(ctx: &Ctx, cmd: CrewCommand) -> Result<Exit> {
    match cmd {
        CrewCommand::List(a) => list(ctx, a),
        CrewCommand::Add(a) => {
            let (root, model) = ctx.load(None, Needs::CREW)?;
            let new = edit::NewMember {
                id: &a.id,
                name: &a.name,
                team: &a.team,
                email: a.email.as_deref(),
                github: a.github.as_deref(),
                active: !a.inactive,
            };
            ctx.write_edit(&root, &a.write, |read| crew::add(&model, &new, read))?;
            Ok(Exit::Ok)
        }
        CrewCommand::Team(a) => {
            let (root, _) = ctx.load(None, Needs::CREW)?;
            ctx.write_edit(&root, &a.write, |read| crew::team(&a.id, &a.name, read))?;
            Ok(Exit::Ok)
        }
        CrewCommand::Edit(a) => {
            let (root, model) = ctx.load(None, Needs::CREW)?;
            let changes = edit::MemberChanges {
                name: a.name.as_deref(),
                team: a.team.as_ref(),
                email: a.email.as_deref(),
                github: a.github.as_deref(),
                active: a.active,
            };
            ctx.write_edit(&root, &a.write, |read| crew::change(&model, &a.id, &changes, read))?;
            Ok(Exit::Ok)
        }
        CrewCommand::Away(a) => {
            let (root, model) = ctx.load(None, Needs::ROTA)?;
            let now = ctx.now(&model)?;
            let away = crew::TimeAway { member: &a.id, from: a.from, to: a.to, reason: a.reason.as_deref() };
            let mut replanned = Vec::new();
            ctx.write_edit(&root, &a.write, |read| {
                let recorded = crew::away(&model, now, &away, read)?;
                replanned = recorded.replanned;
                Ok(recorded.set)
            })?;
            for l in &replanned {
                outln!("re-planned: {l}");
            }
            Ok(Exit::Ok)
        }
    }
}

#[derive(Serialize)]
struct MemberView<'a> {
    id: &'a str,
    name: &'a str,
    email: Option<&'a str>,
    team: &'a str,
    team_name: Option<&'a str>,
    github: Option<&'a str>,
    active: bool,
    away: Vec<&'a Away>,
}

fn list(ctx: &Ctx, a: ListArgs) -> Result<Exit> {
    let (_, model) = ctx.load(Some(&a.read), Needs::CREW)?;
    let crew = &model.crew;
    let members: Vec<MemberView> = crew
        .members
        .iter()
        .filter(|m| a.team.as_ref().is_none_or(|t| m.team_id() == t))
        .map(|m| MemberView {
            id: m.id().as_str(),
            name: &m.name,
            email: m.email.as_deref(),
            team: m.team_id().as_str(),
            team_name: crew.team(m.team_id().as_str()).map(|t| t.name.as_str()),
            github: m.github.as_deref(),
            active: m.active,
            away: m.away.iter().map(|a| a.get_ref()).collect(),
        })
        .collect();
    if a.format == ListFormat::Json {
        out!("{}", output::json(&members)?);
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    for t in &crew.teams {
        let in_team: Vec<&MemberView> =
            members.iter().filter(|m| m.team == t.id.get_ref().as_str()).collect();
        if in_team.is_empty() && a.team.is_some() {
            continue;
        }
        out.push_str(&format!("{} ({}): {} member(s)\n", t.id.get_ref(), t.name, in_team.len()));
        let width = in_team.iter().map(|m| m.id.len()).max().unwrap_or(0);
        for m in in_team {
            out.push_str(&format!("  {:width$}  {}", m.id, m.name));
            if let Some(e) = m.email {
                out.push_str(&format!(" <{e}>"));
            }
            if !m.active {
                out.push_str("  [inactive]");
            }
            for aw in &m.away {
                out.push_str(&format!("  away {}..{}", aw.from.0, aw.to.0));
            }
            out.push('\n');
        }
    }
    if crew.members.is_empty() {
        out.push_str("no members yet: add one with `watchbill crew add ID --name NAME --team TEAM`\n");
    }
    out!("{out}");
    Ok(Exit::Ok)
}
