//! `rota/<week>.toml`: the crew on watch for one week.
//!
//! Only the crew is stored; who came in and who left are derived from the week before, so a
//! hand edit cannot make them disagree.

use crate::ids::MemberId;
use crate::time::IsoWeek;
use serde::{Deserialize, Serialize};
use toml::Spanned;

pub const DIR: &str = "rota";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Proposed by the planner; re-planning may still change it.
    Planned,
    /// Published at a handover; the planner never changes it again.
    Confirmed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Confirmed => "confirmed",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekFile {
    pub week: Option<Spanned<IsoWeek>>,
    pub status: Status,
    pub crew: Spanned<Vec<Spanned<MemberId>>>,
    #[serde(default, rename = "swap")]
    pub swaps: Vec<Swap>,
}

/// A trade recorded by `rota swap`: `member` gave this week to `replacement`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Swap {
    pub member: MemberId,
    pub replacement: MemberId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Recorded with `--force` despite breaking a rule: `check` warns instead of failing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
}

/// One week of the rota as the model holds it.
#[derive(Clone, Debug)]
pub struct RotaWeek {
    pub week: IsoWeek,
    pub status: Status,
    pub crew: Vec<MemberId>,
    pub swaps: Vec<Swap>,
    pub origin: super::Origin,
    pub file: WeekFile,
}

/// The path of a week's file, relative to the root.
pub fn path(week: IsoWeek) -> String {
    format!("{DIR}/{week}.toml")
}

/// The text of a week's file, as `rota plan` and `rota swap` write it.
pub fn to_toml(week: IsoWeek, status: Status, crew: &[MemberId], swaps: &[Swap]) -> String {
    let mut out = format!(
        "# The crew on watch in {week}. Written by `watchbill rota`; change it with `watchbill rota swap`.\n\
         week = \"{week}\"\nstatus = \"{}\"\ncrew = [{}]\n",
        status.as_str(),
        crew.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
    );
    for s in swaps {
        out.push_str("\n[[swap]]\n");
        out.push_str(&toml::to_string(s).unwrap_or_default());
    }
    out
}
