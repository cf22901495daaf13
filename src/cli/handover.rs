//! `watchbill handover`: parse, call [`crate::usecase::handover`], print.

use super::log::{author, edit, keeping_words};
use super::{Ctx, ReadArgs, Session, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::ids::MemberId;
use crate::model::logbook;
use crate::model::{Needs, Weeks};
use crate::store::{self, WriteMode};
use crate::time::IsoWeek;
use crate::usecase::handover;
use clap::Args;

/// Draft the weekly handover from the week's entries and the rota, edit it, commit it with the
/// next week's rota confirmation.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill handover                      the current week, in $EDITOR, committed on this branch
  watchbill handover --no-edit            keep the draft as generated
  watchbill handover --branch             commit on handover/<week> for a pull request
  watchbill handover --week 2026-W47 --dry-run")]
pub struct HandoverArgs {
    /// The week handed over (default: the current watch, which ends at the next handover).
    #[arg(long)]
    pub week: Option<IsoWeek>,
    /// Do not open $EDITOR.
    #[arg(long)]
    pub no_edit: bool,
    /// Commit on a new branch `handover/<week>` without touching the checkout.
    #[arg(long)]
    pub branch: bool,
    #[arg(long = "as", value_name = "MEMBER")]
    pub author: Option<MemberId>,
    #[command(flatten)]
    pub write: WriteArgs,
}

pub fn handover(ctx: &Ctx, a: HandoverArgs) -> Result<Exit> {
    let mut session = ctx.session(None)?;
    let week = a.week.unwrap_or_else(|| session.model.settings.schedule.week_at(&session.now));
    let on_branch = a.branch && a.write.mode() == WriteMode::Commit;
    let branch = handover::branch(week);
    // An existing handover branch is read and updated (a fast-forward): its handover is the one
    // a person may have edited, and the commit's bases must be its files.
    if on_branch && store::branch_exists(&ctx.root()?, &branch)? {
        session = ctx.session(Some(&ReadArgs { rev: Some(branch.clone()) }))?;
    }
    session.read(
        Needs::logbook_in(Weeks::between(week.plus(-logbook::OPEN_WEEKS), week))
            .and_rota_in(Weeks::between(week, week.next())),
    )?;
    let Session { root, model, now, .. } = session;
    let who = author(&root, &model, a.author.as_ref())?;
    let editing = !a.no_edit && a.write.mode() != WriteMode::DryRun;
    let draft = handover::open(&model, week, now, &who, store::read_templates(&root)?, editing, a.branch)?;
    let mut text = draft.text.clone();
    if editing {
        // Judged before the person writes: a rota that cannot be confirmed must not cost their words.
        ctx.judge_before_editing(&root, &handover::change_set(&model, &draft, text.clone(), &now)?)?;
        text = edit(&root, &text, "handover.md")?
            .ok_or_else(|| Error::refused("the handover was left empty: nothing was written"))?;
    }
    if draft.existing && text == draft.text {
        outln!("the handover of {week} is unchanged: nothing was written");
        return Ok(Exit::Ok);
    }
    let written = handover::change_set(&model, &draft, text.clone(), &now).and_then(|set| match on_branch {
        true => ctx.write_on_branch(&root, &set, &branch, &a.write),
        false => ctx.write(&root, &set, &a.write),
    });
    match editing {
        true => keeping_words(&text, "handover.md", written)?,
        false => written?,
    }
    if on_branch {
        outln!("committed the handover on branch {branch}; for a pull request: git push -u origin {branch}");
    }
    Ok(Exit::Ok)
}
