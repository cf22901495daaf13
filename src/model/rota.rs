//! `rota/<week>.toml`: the crew on watch for one week.
//!
//! Only the crew is stored; who came in and who left are derived from the week before, so a
//! hand edit cannot make them disagree.

use crate::ids::MemberId;
use crate::time::{rfc3339, IsoWeek, Timestamp};
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
    #[serde(default, rename = "cover")]
    pub covers: Vec<Spanned<Cover>>,
    /// Bumped, rota-wide, by every write of watchbill: the calendar's SEQUENCE.
    #[serde(default)]
    pub revision: Option<u64>,
    /// When watchbill last wrote the file: the calendar's LAST-MODIFIED.
    #[serde(default)]
    pub changed: Option<Timestamp>,
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

/// A cover recorded by `rota cover`: `by` stands in for `member` from `from` to `to` (start
/// included, end excluded), inside the watch of the week whose file holds it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    pub member: MemberId,
    pub by: MemberId,
    pub from: Timestamp,
    pub to: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Cover {
    /// Whether `t` falls in the cover: `from` included, `to` excluded.
    pub fn holds(&self, t: &chrono::DateTime<chrono::FixedOffset>) -> bool {
        self.from.0 <= *t && *t < self.to.0
    }
}

/// One week of the rota as the model holds it.
#[derive(Clone, Debug)]
pub struct RotaWeek {
    pub week: IsoWeek,
    pub status: Status,
    pub crew: Vec<MemberId>,
    pub swaps: Vec<Swap>,
    pub covers: Vec<Cover>,
    /// `revision` and `changed` of the file (0 and none when written by hand or before them).
    pub revision: u64,
    pub changed: Option<Timestamp>,
    pub origin: super::Origin,
    pub file: WeekFile,
}

/// The path of a week's file, relative to the root.
pub fn path(week: IsoWeek) -> String {
    format!("{DIR}/{week}.toml")
}

/// The text of a week's file, as `rota plan` and `rota swap` write it (no covers: see
/// [`to_toml_with_covers`]).
pub fn to_toml(week: IsoWeek, status: Status, crew: &[MemberId], swaps: &[Swap]) -> String {
    to_toml_with_covers(week, status, crew, swaps, &[])
}

/// The text of a week's file as the model holds it: crew, swaps, covers, revision and time.
pub fn week_text(r: &RotaWeek) -> String {
    let mut out = to_toml_with_covers(r.week, r.status, &r.crew, &r.swaps, &r.covers);
    if r.revision > 0 {
        // Top-level keys must come before the tables: put them right after the crew line.
        let stamp = match &r.changed {
            Some(t) => format!("revision = {}\nchanged = {}\n", r.revision, rfc3339(&t.0)),
            None => format!("revision = {}\n", r.revision),
        };
        let at = out.find("\ncrew = ").and_then(|i| out[i + 1..].find('\n').map(|j| i + j + 2));
        match at {
            Some(i) => out.insert_str(i, &stamp),
            None => out.push_str(&stamp),
        }
    }
    out
}

/// The text of a week's file with its covers, one `[[cover]]` table each.
pub fn to_toml_with_covers(
    week: IsoWeek,
    status: Status,
    crew: &[MemberId],
    swaps: &[Swap],
    covers: &[Cover],
) -> String {
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
    for c in covers {
        // Times as TOML offset date-times (unquoted), the way they are read back.
        out.push_str(&format!(
            "\n[[cover]]\nmember = \"{}\"\nby = \"{}\"\nfrom = {}\nto = {}\n",
            c.member,
            c.by,
            rfc3339(&c.from.0),
            rfc3339(&c.to.0)
        ));
        if let Some(r) = &c.reason {
            out.push_str(&format!("reason = {}\n", toml::Value::String(r.clone())));
        }
    }
    out
}
