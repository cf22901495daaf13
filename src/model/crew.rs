//! `crew.toml`: product teams, their members, and time away.

use crate::ids::{MemberId, TeamId};
use crate::time::Date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

pub const FILE: &str = "crew.toml";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crew {
    #[serde(default, rename = "team")]
    pub teams: Vec<Team>,
    #[serde(default, rename = "member")]
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub id: Spanned<TeamId>,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: Spanned<MemberId>,
    pub name: String,
    pub email: Option<String>,
    pub team: Spanned<TeamId>,
    pub github: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub away: Vec<Spanned<Away>>,
}

fn yes() -> bool {
    true
}

/// A period away, both days included (as people say "away from the 21st to the 3rd").
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Away {
    pub from: Date,
    pub to: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Away {
    /// Whether this period touches any day of `[first, last]`.
    pub fn overlaps(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.from.0 <= last && first <= self.to.0
    }
}

impl Crew {
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id.get_ref().as_str() == id)
    }

    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id.get_ref().as_str() == id)
    }

    /// The member whose e-mail is `email` (case-insensitive), to default the author of a record.
    pub fn by_email(&self, email: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
    }
}

impl Member {
    pub fn id(&self) -> &MemberId {
        self.id.get_ref()
    }

    pub fn team_id(&self) -> &TeamId {
        self.team.get_ref()
    }

    /// Whether the member is away on any day of `[first, last]`.
    pub fn away_during(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.away.iter().any(|a| a.get_ref().overlaps(first, last))
    }
}
