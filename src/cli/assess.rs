//! `watchbill assess`: an assessment of the maturity matrix (the use case is
//! [`crate::usecase::assess`]).

use super::{Ctx, WriteArgs};
use crate::error::{Exit, Result};
use crate::model::Needs;
use crate::store;
use crate::usecase::assess;
use chrono::NaiveDate;
use clap::Args;

/// Record an assessment of the maturity matrix: a level per axis, with notes.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill assess --level stability=3 --level monitoring=2 --note stability=\"Restores are fast now\"
  watchbill assess --level talent=2 --note \"Quarterly review with management\" --date 2026-12-31 --by \"Coach\"

A note written AXIS=TEXT (AXIS an axis of maturity.toml) is that axis's note; any other is a
note on the whole assessment.")]
pub struct AssessArgs {
    /// An axis and its level, like stability=3 (repeat for each axis assessed).
    #[arg(long = "level", value_name = "AXIS=N", required = true)]
    pub levels: Vec<String>,
    /// A note on one axis (AXIS=TEXT) or on the whole assessment.
    #[arg(long = "note", value_name = "[AXIS=]TEXT")]
    pub notes: Vec<String>,
    /// The assessment's date, also its file name (default: today).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// Who assessed (default: the member whose e-mail is git's).
    #[arg(long)]
    pub by: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

pub fn run(ctx: &Ctx, a: AssessArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs { maturity: true, ..Needs::CREW })?;
    let now = ctx.now(&model)?;
    // Who assessed: git's user, when they are in the crew (the store answers, not the use case).
    let by = a
        .by
        .clone()
        .or_else(|| store::user_email(&root).and_then(|e| model.crew.by_email(&e).map(|m| m.name.clone())));
    let asked = assess::Assessment { levels: &a.levels, notes: &a.notes, date: a.date, by: by.as_deref() };
    ctx.write(&root, &assess::assess(&model, now, &asked)?, &a.write)?;
    Ok(Exit::Ok)
}
