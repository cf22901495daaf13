//! `watchbill survey`: one member's comfort answer (the use case is [`crate::usecase::survey`]).

use super::{Ctx, WriteArgs};
use crate::error::{Exit, Result};
use crate::ids::MemberId;
use crate::model::Needs;
use crate::usecase::survey;
use chrono::NaiveDate;
use clap::Args;

/// Record how comfortable a member feels taking the captain role (1 to 5).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill survey alice 4                       this quarter's round (e.g. 2026-q4)
  watchbill survey bob 2 --round 2026-q3 --comment \"Databases still scare me\"")]
pub struct SurveyArgs {
    pub member: MemberId,
    /// 1 (not at all comfortable) to 5 (entirely).
    #[arg(value_parser = clap::value_parser!(u8).range(1..=5))]
    pub score: u8,
    /// The survey round, a folder of surveys/ (default: the current quarter, like 2026-q4).
    #[arg(long)]
    pub round: Option<String>,
    /// When the member answered (default: today).
    #[arg(long)]
    pub answered: Option<NaiveDate>,
    #[arg(long)]
    pub comment: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

pub fn run(ctx: &Ctx, a: SurveyArgs) -> Result<Exit> {
    let (root, model) = ctx.load(None, Needs { objectives: true, ..Needs::CREW })?;
    let now = ctx.now(&model)?;
    let answer = survey::Answer {
        member: &a.member,
        score: a.score,
        round: a.round.as_deref(),
        answered: a.answered,
        comment: a.comment.as_deref(),
    };
    ctx.write(&root, &survey::answer(&model, now, &answer)?, &a.write)?;
    Ok(Exit::Ok)
}
