//! `watchbill ci`: the one command the GitHub Action runs.

use super::{review, Ctx};
use crate::diagnostic::{self, Diagnostic};
use crate::error::{Error, Exit, Result};
use crate::github::{self, Event};
use crate::model::Model;
use crate::render::{Format, Renderer};
use crate::report::quarter::Quarter;
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
  watchbill ci --quarter-pack always             a manual run: the last quarter's review pack too

From the top of several crews, every crew is checked and summarised in its own section;
the outputs crew and objectives-missed then name each as FOLDER/ID.

Outputs: problems, errors, warnings, crew, objectives-missed, pull-request, fork, comment-file.")]
pub struct CiArgs {
    /// Where to write the pull-request comment body (default: $RUNNER_TEMP/watchbill-comment.md).
    #[arg(long, value_name = "FILE")]
    pub comment_file: Option<PathBuf>,
    /// When the job summary has the pack of the quarter just ended (`render quarter`): `auto`
    /// on the first scheduled run of a quarter (one in its first seven days), `always` on
    /// every push, schedule or manual run, `never`.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub quarter_pack: QuarterPack,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum QuarterPack {
    Auto,
    Always,
    Never,
}

const NEEDED: [&str; 4] = ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"];

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// One crew the run checks: its folder from the repository's top (empty for a run inside
/// the crew), where its files are, and its name for the summary's headings.
struct Checked {
    folder: String,
    root: PathBuf,
    model: super::Unfreed<Model>,
    now: DateTime<FixedOffset>,
    diags: Vec<Diagnostic>,
    prefix: String,
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
    // From the top of several crews (`working-directory` left at `.`): every crew, each in its
    // own section; inside a crew, that crew as before.
    let places: Vec<(String, PathBuf)> = match crate::org::discover::above_crews(&ctx.dir)? {
        Some(crews) => crews.into_iter().map(|c| (c.folder, c.path)).collect(),
        None => vec![(String::new(), ctx.root()?)],
    };
    let from_top = !places[0].0.is_empty();
    let mut checked = Vec::with_capacity(places.len());
    for (folder, root) in places {
        let (model, now, diags) = super::check::everything(ctx, &root, &Revision::WorkTree)?;
        // Annotations name files from the repository's top, where GitHub looks for them.
        let prefix = store::repo_prefix(&root).unwrap_or_else(|_| folder.clone());
        // Workflow commands go to stdout, where the runner reads them.
        out!("{}", diagnostic::to_github(&diags, &prefix));
        checked.push(Checked { folder, root, model, now, diags, prefix });
    }

    let comment_file = a.comment_file.clone().unwrap_or_else(|| {
        var("RUNNER_TEMP").map_or_else(std::env::temp_dir, PathBuf::from).join("watchbill-comment.md")
    });
    // The findings may be many: they get half the room, shared by the crews, so what follows
    // them always fits.
    let room = github::SUMMARY_LIMIT / 2 / checked.len();
    let mut summary = "## watchbill\n\n".to_string();
    // From the top, the quarter's first run opens with the crews side by side (`render org`).
    if let Event::Other { name } = &event {
        if from_top && checked.iter().any(|c| quarter_due(a.quarter_pack, name, &c.model, c.now).is_some()) {
            summary.push_str(&format!(
                "{}\n",
                crate::render::markdown::demote(&org_page(ctx, &ctx.dir, &checked)?, 2)
            ));
        }
    }
    let mut reviews = Vec::new();
    for c in &checked {
        let findings = github::truncate(
            &github::findings_table(&c.diags, &c.prefix),
            room,
            "run `watchbill check` locally for every finding.",
        );
        if from_top {
            summary.push_str(&format!("### {} ({})\n\n", heading(&c.model.settings.name), code(&c.folder)));
        }
        summary.push_str(&format!("{findings}\n"));
        match &event {
            Event::PullRequest(pr) => {
                let md = pull_request_review(ctx, &c.root, pr)?;
                summary.push_str(&format!("\n{md}\n"));
                reviews.push((c, md));
            }
            Event::Other { name } => {
                // From the top, each crew's pages sit under its own heading.
                let under = |md: String| if from_top { crate::render::markdown::demote(&md, 3) } else { md };
                summary.push_str(&format!("\n{}", under(week_summary(&c.root, &c.model, c.now)?)));
                if let Some(q) = quarter_due(a.quarter_pack, name, &c.model, c.now) {
                    summary.push_str(&format!("\n{}", under(quarter_pack(&c.root, &c.model, q, c.now)?)));
                }
            }
        }
    }
    let all: Vec<Diagnostic> = checked.iter().flat_map(|c| c.diags.iter().cloned()).collect();
    let mut outputs = counts(&all);
    let each = |f: &dyn Fn(&Checked) -> Vec<String>| -> String {
        checked
            .iter()
            .flat_map(|c| {
                f(c).into_iter()
                    .map(|v| if from_top { format!("{}/{v}", c.folder) } else { v })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    outputs.push(("crew", each(&|c| current_crew(&c.model, c.now))));
    outputs.push(("objectives-missed", each(&|c| missed(&c.model, c.now))));
    if let Event::PullRequest(pr) = &event {
        let md = match reviews.as_slice() {
            [(_, md)] if !from_top => md.clone(),
            all => all
                .iter()
                .map(|(c, md)| {
                    format!("## {} ({})\n\n{md}", heading(&c.model.settings.name), code(&c.folder))
                })
                .collect::<Vec<_>>()
                .join("\n\n"),
        };
        store::write_file(&comment_file, &github::comment(&md))?;
        outputs.push(("pull-request", pr.number.to_string()));
        outputs.push(("fork", pr.fork.to_string()));
        outputs.push(("comment-file", comment_file.display().to_string()));
    }
    let summary = github::truncate(
        &summary,
        github::SUMMARY_LIMIT,
        "run `watchbill render summary` locally for all of it.",
    );
    store::append_file(Path::new(&env("GITHUB_STEP_SUMMARY")), &summary)?;
    store::append_file(Path::new(&env("GITHUB_OUTPUT")), &github::outputs(&outputs, &delimiter()))?;
    let files: usize = checked.iter().map(|c| c.model.files_read).sum();
    outln!("{}", diagnostic::summary_line(&all, files));
    Ok(if all.iter().any(Diagnostic::is_error) { Exit::Problems } else { Exit::Ok })
}

/// A crew's folder as a Markdown code span (a folder's name may hold a backtick).
fn code(folder: &str) -> String {
    crate::render::escape::markdown_code(&crate::render::escape::strip_controls(folder))
}

/// A crew's name as a Markdown heading's text: escaped, on one line.
fn heading(name: &str) -> String {
    crate::render::escape::markdown(&crate::render::escape::strip_controls(name))
}

/// The quarter whose pack this run's summary shows, if any: with `auto`, the quarter just
/// ended on the first scheduled run of a quarter (see [`Quarter::just_ended`]); with `always`,
/// the last complete quarter on any run.
fn quarter_due(when: QuarterPack, event: &str, model: &Model, now: DateTime<FixedOffset>) -> Option<Quarter> {
    let today = model.settings.schedule.local_date(&now);
    match when {
        QuarterPack::Never => None,
        QuarterPack::Always => Some(Quarter::of(today).plus(-1)),
        QuarterPack::Auto if event == "schedule" => Quarter::just_ended(today),
        QuarterPack::Auto => None,
    }
}

/// The crews side by side in Markdown, as `watchbill render org` prints it from `top`.
fn org_page(ctx: &Ctx, top: &Path, checked: &[Checked]) -> Result<String> {
    let inputs: Vec<crate::org::status::Input> = checked
        .iter()
        .map(|c| crate::org::status::Input {
            folder: &c.folder,
            model: &c.model,
            now: c.now,
            problems: c.diags.iter().filter(|d| d.is_error()).count(),
        })
        .collect();
    let (page, tz) = super::org::org_view(ctx, top, &inputs)?;
    Renderer::new(store::read_templates(top)?).in_zone(tz).view("org", &page, Format::Markdown)
}

/// The pack of `quarter` in Markdown, as `watchbill render quarter` prints it.
fn quarter_pack(root: &Path, model: &Model, quarter: Quarter, now: DateTime<FixedOffset>) -> Result<String> {
    let page = crate::report::quarter::build(model, quarter, now);
    let templates = store::read_templates_at(root, &Revision::WorkTree)?;
    Renderer::new(templates).in_zone(model.settings.schedule.tz).view("quarter", &page, Format::Markdown)
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
    // Its models are freed here: `ci` may review one crew after another.
    let (r, _) = review::build(ctx, root, &pr.base_ref, &pr.head_ref, None, &range)?;
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

fn current_crew(model: &Model, now: DateTime<FixedOffset>) -> Vec<String> {
    let week = model.settings.schedule.week_at(&now);
    model.rota.get(&week).map(|r| r.crew.iter().map(|m| m.to_string()).collect()).unwrap_or_default()
}

fn missed(model: &Model, now: DateTime<FixedOffset>) -> Vec<String> {
    crate::metrics::evaluate_all(model, now)
        .into_iter()
        .filter(|e| e.verdict == crate::metrics::Verdict::Missed)
        .map(|e| e.id.to_string())
        .collect()
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
