//! `surveys/<round>/<member>.toml`: how comfortable a member feels taking the captain role.

use crate::ids::MemberId;
use crate::time::Date;
use serde::Deserialize;
use toml::Spanned;

pub const DIR: &str = "surveys";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerFile {
    /// 1 (not at all) to 5 (entirely).
    pub comfort: Spanned<i64>,
    pub answered: Spanned<Date>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub round: String,
    pub member: MemberId,
    pub file: AnswerFile,
    pub origin: super::Origin,
}

/// A survey answer's file (pure).
pub fn answer_text(comfort: u8, answered: chrono::NaiveDate, comment: Option<&str>) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    doc["comfort"] = toml_edit::value(i64::from(comfort));
    doc["answered"] = toml_edit::Item::Value(super::objective::write::date(answered));
    if let Some(c) = comment {
        doc["comment"] = toml_edit::value(c);
    }
    doc.to_string()
}

/// How many weeks after its quarter a round named for it still takes answers.
pub const LATE_WEEKS: u64 = 14;

/// The round a survey answered on `day` belongs to by default: its calendar quarter, `2026-q4`.
pub fn quarter_round(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}-q{}", day.year(), day.month0() / 3 + 1)
}

/// The first and last days of the quarter a round is named for (`2026-q4`), if it is.
pub fn quarter_of_round(round: &str) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let (year, q) = round.split_once("-q")?;
    let (year, q) = (year.parse::<i32>().ok()?, q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))?);
    let first = chrono::NaiveDate::from_ymd_opt(year, 3 * q - 2, 1)?;
    let next = if q == 4 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(year, 3 * q + 1, 1)
    };
    Some((first, next?.pred_opt()?))
}
