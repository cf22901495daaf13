//! `exports/<tool>-<schedule>.toml`: the overrides `rota export --push` created, so the next
//! push deletes exactly those of a week that was re-planned, and leaves alone the overrides
//! people made in the tool. Committed like every other write, so a clone that pushes next
//! knows them too.

use crate::ids::MemberId;
use crate::import::Tool;
use crate::time::IsoWeek;
use serde::{Deserialize, Serialize};

pub const DIR: &str = "exports";

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    #[serde(default, rename = "override")]
    pub created: Vec<Created>,
}

/// One override created in the tool, and the id the tool gave it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Created {
    pub week: IsoWeek,
    pub member: MemberId,
    pub user: String,
    pub start: String,
    pub end: String,
    pub id: String,
}

/// The record's path for a tool's schedule.
pub fn path(tool: Tool, schedule: &str) -> String {
    let safe: String = schedule
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    format!("{DIR}/{}-{safe}.toml", tool.name())
}

pub fn parse(path: &str, text: &str) -> Result<Record, String> {
    toml::from_str(text).map_err(|e| format!("{path}: {}", e.message()))
}

pub fn to_toml(tool: Tool, schedule: &str, r: &Record) -> String {
    let mut created = r.created.clone();
    created.sort_by(|a, b| (a.week, &a.member).cmp(&(b.week, &b.member)));
    let body = toml::to_string(&Record { created }).unwrap_or_default();
    format!(
        "# The overrides `watchbill rota export {} --push` created in schedule {schedule:?}: the next\n\
         # push deletes those of a re-planned week. Written by watchbill; do not edit.\n\n{body}",
        tool.name()
    )
}
