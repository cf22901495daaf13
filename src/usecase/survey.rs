//! `watchbill survey`: one member's comfort answer in a survey round.

use crate::error::{Error, Result};
use crate::ids::{id_problem, MemberId};
use crate::model::{survey, Model};
use crate::store::{Base, ChangeSet, FileWrite};
use chrono::{DateTime, FixedOffset, NaiveDate};

/// What a person asks to record.
pub struct Answer<'a> {
    pub member: &'a MemberId,
    /// 1 (not at all comfortable) to 5 (entirely).
    pub score: u8,
    /// The round (a folder of `surveys/`); `None` for the current quarter's.
    pub round: Option<&'a str>,
    /// When the member answered; `None` for today in the crew's zone.
    pub answered: Option<NaiveDate>,
    pub comment: Option<&'a str>,
}

/// The new answer's file, refused for a member not in the crew or no longer active (their
/// answers are not counted) and for a round they already answered.
pub fn answer(model: &Model, now: DateTime<FixedOffset>, a: &Answer<'_>) -> Result<ChangeSet> {
    let member = super::named_member(model, a.member)?;
    if !member.active {
        return Err(Error::refused(format!("`{}` is inactive: their answers are not counted", a.member))
            .help(format!("make them active first: `watchbill crew edit {} --active true`", a.member)));
    }
    let day = model.settings.schedule.local_date(&now);
    let round = a.round.map_or_else(|| survey::quarter_round(day), str::to_string);
    if let Some(why) = id_problem(&round) {
        return Err(Error::usage(format!("invalid round {round:?}: {why}")).help("name rounds like 2026-q4"));
    }
    let path = format!("{}/{round}/{}.toml", survey::DIR, a.member);
    if model.source(&path).is_some() {
        return Err(Error::refused(format!("{} already answered the {round} round", a.member))
            .help(format!("edit {path}, or answer another round with --round")));
    }
    let text = survey::answer_text(a.score, a.answered.unwrap_or(day), a.comment);
    Ok(ChangeSet {
        message: format!("surveys: {} answered the {round} round", a.member),
        changes: vec![FileWrite { path, contents: text.into_bytes(), base: Base::Absent }],
    })
}
