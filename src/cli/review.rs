//! `watchbill review`: what a branch changes since it left its base.

use super::{output, Ctx, Unfreed};
use crate::error::{Error, Exit, Result};
use crate::model::Needs;
use crate::review::{Commits, Review};
use crate::store::merge_base::{self, History, Range};
use crate::store::{self, Revision};
use crate::usecase::review::{self as usecase, Files, Request, TipFiles};
use clap::{Args, ValueEnum};
use std::collections::BTreeSet;
use std::path::Path;

/// Describe what a branch changes since it left its base (`git diff base...head`): handovers,
/// swaps, entries, objectives newly met or missed, assessments, and the check problems it
/// introduces or fixes, judged on the whole files with the base side at the merge base.
///
/// Both sides are read straight from git objects, so it works on CI's detached checkouts as long
/// as the commits were fetched (actions/checkout with fetch-depth: 0). When the base has moved
/// on since the branch left it, the review says so and what that changes for its verdicts.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill review                             this branch against its upstream or main
  watchbill review --base main --format text
  watchbill review --base HEAD~3 --head HEAD
  watchbill review --base origin/main --format json")]
pub struct ReviewArgs {
    /// The branch the change is for (default: the branch's upstream, unless that is this
    /// branch's own copy on the remote, else the default branch).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The revision the change ends at.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub head: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReviewFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// Plain text, for a terminal or an e-mail.
    Text,
    /// GitHub-flavoured Markdown (the pull-request comment).
    Md,
    /// The data the templates see.
    Json,
}

pub fn run(ctx: &Ctx, a: ReviewArgs) -> Result<Exit> {
    let root = ctx.root()?;
    let (base, base_from) = match a.base {
        Some(b) => (b, None),
        None => merge_base::default_base(&root).map(|(b, why)| (b, Some(why)))?,
    };
    let range = match merge_base::review_range(&root, &base, &a.head)? {
        History::Found(r) => r,
        History::Missing(what) => {
            return Err(Error::usage(format!("this clone lacks {what}, which the review needs")).help(
                "fetch the history: `git fetch --unshallow` (in CI: actions/checkout with fetch-depth: 0)",
            ))
        }
    };
    let (r, judged) = build(ctx, &root, &base, &a.head, base_from, &range)?;
    let _judged = Unfreed::new(judged);
    let text = match a.format {
        ReviewFormat::Json => output::json(&r)?,
        ReviewFormat::Md => render(&root, &r, "review.md")?,
        ReviewFormat::Text => render(&root, &r, "review.txt")?,
    };
    out!("{text}");
    Ok(Exit::Ok)
}

/// Reads what the review of `range` needs and reviews it: the head whole, and only the changed
/// files at the merge base (and, when the base moved on, at its tip). With the models it was
/// judged on, for the caller to free or not.
pub fn build(
    ctx: &Ctx,
    root: &Path,
    base: &str,
    head: &str,
    base_from: Option<String>,
    range: &Range,
) -> Result<(Review, usecase::Judged)> {
    let mb = range.merge_base.clone().unwrap_or_else(|| range.base.clone());
    let changed = store::changed_paths(root, &mb, &range.head)?;
    let branch: BTreeSet<String> = changed.iter().map(|(p, _)| p.clone()).collect();
    let head_files = at(ctx, root, &range.head, None)?.unwrap_or_default();
    let at_merge_base = at(ctx, root, &mb, Some(&branch))?;
    let tip = match range.base_ahead {
        0 => None,
        _ => {
            let main = store::changed_paths(root, &mb, &range.base)?;
            let both: BTreeSet<String> = branch.iter().chain(main.iter().map(|(p, _)| p)).cloned().collect();
            let files = at(ctx, root, &range.base, Some(&both))?.unwrap_or_default();
            Some(TipFiles { changed: main, files })
        }
    };
    let req = Request {
        base: base.to_string(),
        head: head.to_string(),
        base_from,
        commits: Commits { base: range.base.clone(), head: range.head.clone(), merge_base: mb },
        base_ahead: range.base_ahead,
    };
    let files = Files { head: head_files, changed, at_merge_base, tip };
    usecase::review(&req, files, |m| ctx.now(m))
}

/// The files at a commit (all, or those at `paths`); `None` when it predates watchbill.
fn at(
    ctx: &Ctx,
    root: &Path,
    commit: &str,
    paths: Option<&BTreeSet<String>>,
) -> Result<Option<Vec<crate::model::RawFile>>> {
    if !store::has_root_at(root, commit)? {
        return Ok(None);
    }
    let mut reader = store::Reader::open(root, &Revision::Rev(commit.to_string()), ctx.cache)?;
    let files = match paths {
        Some(p) => reader.read_paths(p)?,
        None => reader.read(Needs::ALL)?,
    };
    ctx.trace_cache(&reader);
    Ok(Some(files))
}

/// The review through one of its templates (the repository may override them).
pub fn render(root: &Path, r: &Review, template: &str) -> Result<String> {
    crate::render::Renderer::new(store::read_templates(root)?).render(template, r)
}
