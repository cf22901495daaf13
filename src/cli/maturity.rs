//! `watchbill maturity show` (the view is [`crate::usecase::maturity`]).

use super::objective::at_or_now;
use super::{output, Ctx, ListFormat, ReadArgs};
use crate::error::{Exit, Result};
use crate::metrics::{AxisStatus, Verdict};
use crate::model::Needs;
use crate::usecase::maturity;
use clap::Subcommand;

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

pub fn run(ctx: &Ctx, cmd: MaturityCommand) -> Result<Exit> {
    let MaturityCommand::Show { at, format, read } = cmd;
    let (_, model) = ctx.load(Some(&read), Needs::ALL)?;
    let now = ctx.now(&model)?;
    let at = at_or_now(&model, at.as_deref(), now)?;
    let axes = maturity::show(&model, at)?;
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
