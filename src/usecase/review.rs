//! The review of a branch: what it changes since it left its base (`merge-base(base, head)..head`,
//! as `git diff base...head` shows it), with the check problems and objective verdicts judged on
//! whole models, the base side taken at the merge base. When the base has moved since, the same
//! judgement is made once more against the base's tip with the branch's files on top, and the
//! review says what that changes. Pure: the store reads the files, this decides.

use crate::diagnostic::{self, Diagnostic};
use crate::error::Result;
use crate::model::{self, Model, RawFile};
use crate::review::{self, BaseMoved, Commits, Review, Sides};
use crate::store::FileChange;
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet};

/// The revisions as the user named them, and the commits they resolved to.
#[derive(Clone, Debug)]
pub struct Request {
    pub base: String,
    pub head: String,
    /// Why this base when the user gave none ("the upstream of handover").
    pub base_from: Option<String>,
    pub commits: Commits,
    /// Commits on the base since the merge base.
    pub base_ahead: usize,
}

/// What the store read for a review.
pub struct Files {
    /// Every file at the head (empty when the head predates watchbill).
    pub head: Vec<RawFile>,
    /// The watchbill files that differ from the merge base to the head.
    pub changed: Vec<(String, FileChange)>,
    /// Those files as they are at the merge base; `None` when it predates watchbill.
    pub at_merge_base: Option<Vec<RawFile>>,
    /// When the base moved since the merge base.
    pub tip: Option<TipFiles>,
}

/// The base's tip, when it is ahead of the merge base.
pub struct TipFiles {
    /// The watchbill files that differ from the merge base to the base's tip.
    pub changed: Vec<(String, FileChange)>,
    /// The files either side changed, as they are at the base's tip.
    pub files: Vec<RawFile>,
}

/// A model and what `check` says of it: the problems of its files alone, and all of them.
struct Side {
    model: Model,
    file_problems: Vec<Diagnostic>,
    problems: Vec<Diagnostic>,
}

impl Side {
    fn new(model: Model, file_problems: Vec<Diagnostic>, now: DateTime<FixedOffset>) -> Side {
        let mut problems = file_problems.clone();
        problems.extend(crate::check::check(&model, now));
        diagnostic::sort(&mut problems);
        Side { model, file_problems, problems }
    }

    /// This side with the files at `paths` replaced by those of `files` (a path missing from
    /// `files` is absent there): only the swapped files are parsed again.
    fn swapped(&self, paths: &BTreeSet<String>, files: &[RawFile], now: DateTime<FixedOffset>) -> Side {
        let mut model = self.model.clone();
        let mut problems: Vec<Diagnostic> =
            self.file_problems.iter().filter(|d| !paths.contains(&d.path)).cloned().collect();
        problems.extend(
            model.replace_files(paths, files.iter().filter(|f| paths.contains(&f.path)).cloned().collect()),
        );
        Side::new(model, problems, now)
    }

    fn sides<'a>(&'a self, head: &'a Side) -> Sides<'a> {
        Sides {
            base: &self.model,
            head: &head.model,
            base_problems: &self.problems,
            head_problems: &head.problems,
        }
    }
}

/// The whole models a review was judged on (two, four when the base moved on), handed back
/// so that the caller decides when they are freed: a command about to exit never frees them
/// (`cli::Unfreed`), which saves a sixth of a review of ten years of history.
pub struct Judged(#[allow(dead_code, reason = "kept only to be freed, or not, by the caller")] Vec<Side>);

/// Reviews the change. `now` is asked of the head's model (it knows the crew's time zone).
pub fn review(
    req: &Request,
    files: Files,
    now: impl FnOnce(&Model) -> Result<DateTime<FixedOffset>>,
) -> Result<(Review, Judged)> {
    let loaded = model::load(files.head);
    let now = now(&loaded.model)?;
    let head = Side::new(loaded.model, loaded.diagnostics, now);
    let branch: BTreeSet<String> = files.changed.iter().map(|(p, _)| p.clone()).collect();
    let base = match &files.at_merge_base {
        Some(f) => head.swapped(&branch, f, now),
        None => Side::new(Model::default(), Vec::new(), now),
    };
    let mut r = review::review(&req.base, &req.head, &files.changed, &base.sides(&head), now);
    r.commits = req.commits.clone();
    r.base_from = req.base_from.clone();
    r.same_commit = req.commits.base == req.commits.head;
    let mut judged = Vec::with_capacity(4);
    if let Some(tip) = files.tip {
        let (moved, at_tip, merged) = base_moved(req, &r, &head, &files.changed, tip, now);
        r.base_moved = Some(moved);
        judged.extend([at_tip, merged]);
    }
    judged.extend([head, base]);
    Ok((r, Judged(judged)))
}

/// What the base's moving on changes: the same review, judged against the base's tip with the
/// branch's files on top (where both sides changed a file, the branch's version); with the two
/// sides it was judged on.
fn base_moved(
    req: &Request,
    then: &Review,
    head: &Side,
    changed: &[(String, FileChange)],
    tip: TipFiles,
    now: DateTime<FixedOffset>,
) -> (BaseMoved, Side, Side) {
    let branch: BTreeSet<String> = changed.iter().map(|(p, _)| p.clone()).collect();
    let main: BTreeSet<String> = tip.changed.iter().map(|(p, _)| p.clone()).collect();
    let main_only: BTreeSet<String> = main.difference(&branch).cloned().collect();
    let all: BTreeSet<String> = main.union(&branch).cloned().collect();
    let at_tip = head.swapped(&all, &tip.files, now);
    let merged = head.swapped(&main_only, &tip.files, now);
    let now_review = review::review(&req.base, &req.head, changed, &at_tip.sides(&merged), now);
    let moved = BaseMoved {
        commits: req.base_ahead,
        files: main.len(),
        both_changed: main.intersection(&branch).cloned().collect(),
        verdicts: verdict_differences(then, &now_review),
    };
    (moved, at_tip, merged)
}

/// The verdicts that differ between the review against the merge base and against the tip.
fn verdict_differences(then: &Review, now: &Review) -> Vec<String> {
    let moved = |r: &Review| -> BTreeMap<String, &'static str> {
        r.objectives.iter().filter_map(|o| o.moved.map(|m| (o.id.clone(), m))).collect()
    };
    let (a, b) = (moved(then), moved(now));
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out: Vec<String> = ids
        .into_iter()
        .filter(|id| a.get(*id) != b.get(*id))
        .map(|id| {
            format!(
                "objective {id}: {} against the base's tip ({} against the merge base)",
                b.get(id).copied().unwrap_or("unchanged"),
                a.get(id).copied().unwrap_or("unchanged")
            )
        })
        .collect();
    let before: BTreeSet<_> = then.problems_introduced.iter().map(review::problem_key).collect();
    let after: BTreeSet<_> = now.problems_introduced.iter().map(review::problem_key).collect();
    out.extend(after.difference(&before).map(|(p, c, m)| format!("also introduces {c} in {p}: {m}")));
    out.extend(before.difference(&after).map(|(p, c, _)| format!("no longer introduces {c} in {p}")));
    out
}
