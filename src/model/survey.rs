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
    pub answered: Date,
    pub comment: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub round: String,
    pub member: MemberId,
    pub file: AnswerFile,
    pub origin: super::Origin,
}
