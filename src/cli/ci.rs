//! `watchbill ci`: the one command the GitHub Action runs.

use super::{review, Ctx};
use crate::diagnostic::{self, Diagnostic};
use crate::error::{Error, Exit, Result};
use crate::github::{self, Event};
use crate::model::Model;
use crate::store::{self, Revision};
use chrono::{DateTime, FixedOffset};
use clap::Args;
use std::path::{Path, PathBuf};

/// Inside GitHub Actions: check with annotations on the offending lines, the week's summary (and
/// on a pull request the review) in the job summary, outputs, and the pull-request comment body.
///
/// Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT. Exits 1
/// when check finds errors, so the job fails.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill ci                                   in a workflow step (see action.yml)
  watchbill ci --comment-file \"$RUNNER_TEMP/comment.md\"

Outputs: problems, errors, warnings, crew, objectives-missed, pull-request, fork, comment-file.")]
pub struct CiArgs {
    /// Where to write the pull-request comment body (default: $RUNNER_TEMP/watchbill-comment.md).
    #[arg(long, value_name = "FILE")]
    pub comment_file: Option<PathBuf>,
}

const NEEDED: [&str; 4] = ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"];

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn run(ctx: &Ctx, a: CiArgs) -> Result<Exit> {
    let missing: Vec<&str> = NEEDED.iter().copied().filter(|n| var(n).is_none()).collect();
    if var("GITHUB_ACTIONS").as_deref() != Some("true") || !missing.is_empty() {
        return Err(Error::usage(format!(
            "`watchbill ci` runs inside GitHub Actions; it needs GITHUB_ACTIONS=true and {}",
            if missing.is_empty() {
                "nothing else".to_string()
            } else {
                format!("{} (missing)", missing.join(", "))
            }
        ))
        .help("outside GitHub, run `watchbill check` and `watchbill review --base main`"));
    }
    let env = |n: &str| var(n).unwrap_or_default();
    let payload = store::read_text(Path::new(&env("GITHUB_EVENT_PATH"))).map_err(|e| {
        Error::usage(format!("cannot read GITHUB_EVENT_PATH {}: {e}", env("GITHUB_EVENT_PATH")))
    })?;
    let event = github::event(&env("GITHUB_EVENT_NAME"), &payload)?;
    let root = ctx.root()?;
    let (model, now, diags) = super::check::everything(ctx, &root, &Revision::WorkTree)?;
    let prefix = store::repo_prefix(&root).unwrap_or_default();
    // Workflow commands go to stdout, where the runner reads them.
    out!("{}", diagnostic::to_github(&diags, &prefix));

    let mut summary = format!("## watchbill\n\n{}\n", github::findings_table(&diags, &prefix));
    summary.push_str(&week_summary(&model, now));
    let comment_file = a.comment_file.unwrap_or_else(|| {
        var("RUNNER_TEMP").map_or_else(std::env::temp_dir, PathBuf::from).join("watchbill-comment.md")
    });
    let mut outputs = counts(&diags);
    outputs.push(("crew", current_crew(&model, now)));
    outputs.push(("objectives-missed", missed(&model, now)));
    if let Event::PullRequest(pr) = &event {
        let r = review::build(ctx, &root, &pr.base_sha, &pr.head_sha)?;
        let md = review::markdown(&root, &r)?;
        summary.push_str(&format!("\n{md}"));
        store::write_file(&comment_file, &github::comment(&md))?;
        outputs.push(("pull-request", pr.number.to_string()));
        outputs.push(("fork", pr.fork.to_string()));
        outputs.push(("comment-file", comment_file.display().to_string()));
    }
    let summary =
        github::truncate(&summary, github::SUMMARY_LIMIT, "run `watchbill check` locally for every finding.");
    store::append_file(Path::new(&env("GITHUB_STEP_SUMMARY")), &summary)?;
    store::append_file(Path::new(&env("GITHUB_OUTPUT")), &github::outputs(&outputs, &delimiter()))?;
    outln!("{}", diagnostic::summary_line(&diags, model.files_read));
    Ok(if diags.iter().any(Diagnostic::is_error) { Exit::Problems } else { Exit::Ok })
}

fn counts(diags: &[Diagnostic]) -> Vec<(&'static str, String)> {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    vec![
        ("problems", diags.len().to_string()),
        ("errors", errors.to_string()),
        ("warnings", (diags.len() - errors).to_string()),
    ]
}

fn current_crew(model: &Model, now: DateTime<FixedOffset>) -> String {
    let week = model.settings.schedule.week_at(&now);
    model
        .rota
        .get(&week)
        .map(|r| r.crew.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(","))
        .unwrap_or_default()
}

fn missed(model: &Model, now: DateTime<FixedOffset>) -> String {
    crate::metrics::evaluate_all(model, now)
        .into_iter()
        .filter(|e| e.verdict == crate::metrics::Verdict::Missed)
        .map(|e| e.id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The week at a glance, for the job summary.
fn week_summary(model: &Model, now: DateTime<FixedOffset>) -> String {
    let schedule = &model.settings.schedule;
    let week = schedule.week_at(&now);
    let crew: Vec<String> = model
        .rota
        .get(&week)
        .map(|r| {
            r.crew
                .iter()
                .map(|m| {
                    model
                        .crew
                        .member(m.as_str())
                        .map_or_else(|| m.to_string(), |x| github::table_cell(&x.name))
                })
                .collect()
        })
        .unwrap_or_default();
    let entries = model.entries.iter().filter(|e| e.week == week).count();
    let open = model.entries.iter().filter(|e| e.is_open()).count();
    format!(
        "### {week}\n\nOn watch: {} until {}. {entries} logbook entr{} this week, {open} open.\n",
        if crew.is_empty() { "nobody (plan the rota)".to_string() } else { crew.join(" and ") },
        schedule.handover(week.next()).format("%a %d %b %H:%M %Z"),
        if entries == 1 { "y" } else { "ies" }
    )
}

/// A heredoc delimiter no value can guess.
fn delimiter() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    format!("watchbill_{:016x}", h.finish())
}
