//! `watchbill review`: what a change between two revisions means.

use super::{output, Ctx};
use crate::error::{Exit, Result};
use crate::model::{self, Needs};
use crate::review::{self, Review, Sides};
use crate::store::{self, Revision};
use clap::{Args, ValueEnum};
use std::collections::BTreeSet;
use std::path::Path;

/// Describe what a change means: handovers, swaps, entries, objectives newly met or missed,
/// assessments, and the check problems it introduces or fixes.
///
/// Both sides are read straight from git objects, so it works on CI's detached checkouts as long
/// as both commits were fetched (actions/checkout with fetch-depth: 0).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill review --base main                 what this branch changes, against main
  watchbill review --base HEAD~3 --head HEAD
  watchbill review --base origin/main --format json")]
pub struct ReviewArgs {
    /// The revision the change starts from (e.g. the pull request's base).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The revision the change ends at.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub head: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReviewFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    Md,
    Json,
}

pub fn run(ctx: &Ctx, a: ReviewArgs) -> Result<Exit> {
    let root = ctx.root()?;
    let r = build(ctx, &root, &a.base, &a.head)?;
    let text = match a.format {
        ReviewFormat::Json => output::json(&r)?,
        ReviewFormat::Md => markdown(&root, &r)?,
    };
    out!("{text}");
    Ok(Exit::Ok)
}

/// Loads both sides and reviews the change. The head is parsed whole; the base is the head's
/// model with the changed files swapped for their base versions, so only those are parsed twice.
pub fn build(ctx: &Ctx, root: &Path, base: &str, head: &str) -> Result<Review> {
    let changed = store::changed_paths(root, base, head)?;
    let paths: BTreeSet<String> = changed.iter().map(|(p, _)| p.clone()).collect();
    let at = |rev: &str| Revision::Rev(rev.to_string());
    let head_loaded = match store::has_root_at(root, head)? {
        true => model::load(store::read_files(root, &at(head), Needs::ALL)?),
        false => model::load(Vec::new()),
    };
    let (head_model, mut head_problems) = (head_loaded.model, head_loaded.diagnostics);
    let (base_model, mut base_problems) = if store::has_root_at(root, base)? {
        let mut m = head_model.clone();
        let files = store::Reader::open(root, &at(base))?.read_paths(&paths)?;
        let mut problems: Vec<_> =
            head_problems.iter().filter(|d| !paths.contains(&d.path)).cloned().collect();
        problems.extend(m.replace_files(&paths, files));
        (m, problems)
    } else {
        (model::Model::default(), Vec::new())
    };
    let now = ctx.now(&head_model)?;
    base_problems.extend(crate::check::check(&base_model, now));
    head_problems.extend(crate::check::check(&head_model, now));
    crate::diagnostic::sort(&mut base_problems);
    crate::diagnostic::sort(&mut head_problems);
    let sides = Sides {
        base: &base_model,
        head: &head_model,
        base_problems: &base_problems,
        head_problems: &head_problems,
    };
    Ok(review::review(base, head, &changed, &sides, now))
}

/// The review as Markdown, from the `review.md` template (the repository may override it).
pub fn markdown(root: &Path, r: &Review) -> Result<String> {
    crate::render::Renderer::new(store::read_templates(root)?).render("review.md", r)
}
