//! `watchbill ci`: the one command the GitHub Action runs.

use super::{review, Ctx};
use crate::diagnostic::{self, Diagnostic};
use crate::error::{Error, Exit, Result};
use crate::github::{self, Event};
use crate::model::Model;
use crate::render::{Format, Renderer};
use crate::report::{self, Period, View};
use crate::store::merge_base::{self, History};
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

    // The findings may be many: they get half the room, so what follows them always fits.
    let findings = github::truncate(
        &github::findings_table(&diags, &prefix),
        github::SUMMARY_LIMIT / 2,
        "run `watchbill check` locally for every finding.",
    );
    let mut summary = format!("## watchbill\n\n{findings}\n");
    let comment_file = a.comment_file.unwrap_or_else(|| {
        var("RUNNER_TEMP").map_or_else(std::env::temp_dir, PathBuf::from).join("watchbill-comment.md")
    });
    let mut outputs = counts(&diags);
    outputs.push(("crew", current_crew(&model, now)));
    outputs.push(("objectives-missed", missed(&model, now)));
    match &event {
        Event::PullRequest(pr) => {
            let md = pull_request_review(ctx, &root, pr)?;
            summary.push_str(&format!("\n{md}"));
            store::write_file(&comment_file, &github::comment(&md))?;
            outputs.push(("pull-request", pr.number.to_string()));
            outputs.push(("fork", pr.fork.to_string()));
            outputs.push(("comment-file", comment_file.display().to_string()));
        }
        Event::Other { .. } => summary.push_str(&format!("\n{}", week_summary(&root, &model, now)?)),
    }
    let summary = github::truncate(
        &summary,
        github::SUMMARY_LIMIT,
        "run `watchbill render summary` locally for all of it.",
    );
    store::append_file(Path::new(&env("GITHUB_STEP_SUMMARY")), &summary)?;
    store::append_file(Path::new(&env("GITHUB_OUTPUT")), &github::outputs(&outputs, &delimiter()))?;
    outln!("{}", diagnostic::summary_line(&diags, model.files_read));
    Ok(if diags.iter().any(Diagnostic::is_error) { Exit::Problems } else { Exit::Ok })
}

/// The review of the pull request in Markdown, from the merge base of the event's base and head
/// commits. A shallow checkout is deepened from its remote first; when that fails, the review
/// is replaced by a note saying what was skipped and how to fix the workflow.
fn pull_request_review(ctx: &Ctx, root: &Path, pr: &github::PullRequest) -> Result<String> {
    let (base, head) = (pr.base_sha.as_str(), pr.head_sha.as_str());
    let mut fetched = None;
    let range = match merge_base::review_range(root, base, head)? {
        History::Found(r) => r,
        History::Missing(what) => match merge_base::deepen(root, base, head) {
            Ok(did) => match merge_base::review_range(root, base, head)? {
                History::Found(r) => {
                    fetched = Some(did);
                    r
                }
                History::Missing(what) => return Ok(skipped(&what, &did)),
            },
            Err(why) => return Ok(skipped(&what, &why)),
        },
    };
    let r = review::build(ctx, root, &pr.base_ref, &pr.head_ref, None, &range)?;
    let mut md = review::render(root, &r, "review.md")?;
    if let Some(did) = fetched {
        md.push_str(&format!(
            "\n\n<sub>The checkout was shallow; watchbill {}. `{}` in actions/checkout saves that.</sub>\n",
            github::table_cell(&did),
            github::FETCH_DEPTH_FIX
        ));
    }
    Ok(md)
}

/// The note that replaces a review the history was missing for, also as a workflow notice.
fn skipped(what: &str, why: &str) -> String {
    outln!(
        "::notice title=watchbill::{}",
        diagnostic::escape_data(&format!(
            "review skipped: the checkout lacks {what} ({why}); set `{}` in actions/checkout",
            github::FETCH_DEPTH_FIX
        ))
    );
    github::review_skipped(what, why)
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

/// The week's summary, as `watchbill render summary` prints it: who is on watch until when,
/// the week's incidents, the objectives, the handover.
fn week_summary(root: &Path, model: &Model, now: DateTime<FixedOffset>) -> Result<String> {
    let week = model.settings.schedule.week_at(&now);
    let page = report::page(model, View::Summary, Period::Week(week), now);
    let templates = store::read_templates_at(root, &Revision::WorkTree)?;
    Renderer::new(templates).in_zone(model.settings.schedule.tz).page(&page, Format::Markdown)
}

/// A heredoc delimiter no value can guess.
fn delimiter() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    format!("watchbill_{:016x}", h.finish())
}
