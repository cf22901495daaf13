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
    /// Served as captain before watchbill, or otherwise ready: counts as someone who has served
    /// for novice pairing from their first term on the rota.
    #[serde(default)]
    pub experienced: bool,
    #[serde(default)]
    pub away: Vec<Spanned<Away>>,
    /// The member's user id in each paging tool, for when their e-mail there differs
    /// (docs/interop.md): `import` names handlers and `rota export` the override's user by it.
    pub pagerduty: Option<String>,
    pub opsgenie: Option<String>,
    pub grafana_oncall: Option<String>,
    pub goalert: Option<String>,
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
        self.members.iter().find(|m| m.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
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

/// In-place edits of `crew.toml` that keep its comments and layout (pure: text in, text out).
pub mod edit {
    use super::Away;
    use crate::ids::{MemberId, TeamId};
    use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table};

    /// A member to add.
    pub struct NewMember<'a> {
        pub id: &'a MemberId,
        pub name: &'a str,
        pub team: &'a TeamId,
        pub email: Option<&'a str>,
        pub github: Option<&'a str>,
        pub active: bool,
    }

    /// Fields to change on a member; `None` leaves a field as it is.
    #[derive(Default)]
    pub struct MemberChanges<'a> {
        pub name: Option<&'a str>,
        pub team: Option<&'a TeamId>,
        pub email: Option<&'a str>,
        pub github: Option<&'a str>,
        pub active: Option<bool>,
    }

    fn doc(text: &str) -> Result<DocumentMut, String> {
        text.parse::<DocumentMut>().map_err(|e| format!("crew.toml is not valid TOML: {}", e.message()))
    }

    fn tables<'d>(doc: &'d mut DocumentMut, key: &str) -> Result<&'d mut ArrayOfTables, String> {
        if !doc.contains_key(key) {
            doc.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
        }
        doc[key]
            .as_array_of_tables_mut()
            .ok_or_else(|| format!("`{key}` in crew.toml is not a list of [[{key}]] tables"))
    }

    /// Appends a table to a list. In a file that has only comments so far (a fresh `init`),
    /// toml_edit keeps them *after* the last table; they move to the front of the first one so
    /// the explanation stays at the top.
    fn push(doc: &mut DocumentMut, key: &str, mut table: Table) -> Result<(), String> {
        if doc.as_table().is_empty() {
            let comments = doc.trailing().as_str().unwrap_or("").to_string();
            if !comments.trim().is_empty() {
                table.decor_mut().set_prefix(format!("{}\n", comments.trim_end()));
                doc.set_trailing("");
            }
        } else if table.decor().prefix().is_none() {
            table.decor_mut().set_prefix("\n");
        }
        tables(doc, key)?.push(table);
        Ok(())
    }

    fn member_table<'d>(doc: &'d mut DocumentMut, id: &MemberId) -> Result<&'d mut Table, String> {
        doc.get_mut("member")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|ts| ts.iter_mut().find(|t| t.get("id").and_then(|v| v.as_str()) == Some(id.as_str())))
            .ok_or_else(|| format!("no member `{id}` in crew.toml"))
    }

    pub fn add_team(text: &str, id: &TeamId, name: &str) -> Result<String, String> {
        let mut doc = doc(text)?;
        let teams = doc.get("team").and_then(Item::as_array_of_tables);
        if teams
            .is_some_and(|ts| ts.iter().any(|t| t.get("id").and_then(|v| v.as_str()) == Some(id.as_str())))
        {
            return Err(format!("team `{id}` already exists"));
        }
        let mut t = Table::new();
        t.insert("id", value(id.as_str()));
        t.insert("name", value(name));
        push(&mut doc, "team", t)?;
        Ok(doc.to_string())
    }

    pub fn add_member(text: &str, m: &NewMember) -> Result<String, String> {
        let mut doc = doc(text)?;
        if member_table(&mut doc, m.id).is_ok() {
            return Err(format!("member `{}` already exists", m.id));
        }
        let mut t = Table::new();
        t.insert("id", value(m.id.as_str()));
        t.insert("name", value(m.name));
        t.insert("team", value(m.team.as_str()));
        if let Some(e) = m.email {
            t.insert("email", value(e));
        }
        if let Some(g) = m.github {
            t.insert("github", value(g));
        }
        if !m.active {
            t.insert("active", value(false));
        }
        push(&mut doc, "member", t)?;
        Ok(doc.to_string())
    }

    pub fn change_member(text: &str, id: &MemberId, c: &MemberChanges) -> Result<String, String> {
        let mut doc = doc(text)?;
        let t = member_table(&mut doc, id)?;
        let mut set = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                t.insert(k, value(v));
            }
        };
        set("name", c.name);
        set("team", c.team.map(TeamId::as_str));
        set("email", c.email);
        set("github", c.github);
        if let Some(a) = c.active {
            t.insert("active", value(a));
        }
        Ok(doc.to_string())
    }

    /// Sets `experienced = true` on each member (never un-sets it: a member already declared
    /// experienced is left as written).
    pub fn set_experienced(text: &str, ids: &[MemberId]) -> Result<String, String> {
        let mut doc = doc(text)?;
        for id in ids {
            let t = member_table(&mut doc, id)?;
            if t.get("experienced").and_then(Item::as_bool) != Some(true) {
                t.insert("experienced", value(true));
            }
        }
        Ok(doc.to_string())
    }

    pub fn add_away(text: &str, id: &MemberId, away: &Away) -> Result<String, String> {
        let mut doc = doc(text)?;
        let t = member_table(&mut doc, id)?;
        if !t.contains_key("away") {
            t.insert("away", value(Array::new()));
        }
        let arr = t["away"].as_array_mut().ok_or_else(|| format!("`away` of `{id}` is not a list"))?;
        let date = |d: chrono::NaiveDate| -> Result<toml_edit::Value, String> {
            d.format("%Y-%m-%d").to_string().parse::<toml_edit::Value>().map_err(|e| e.to_string())
        };
        let mut it = InlineTable::new();
        it.insert("from", date(away.from.0)?);
        it.insert("to", date(away.to.0)?);
        if let Some(r) = &away.reason {
            it.insert("reason", r.as_str().into());
        }
        arr.push(it);
        Ok(doc.to_string())
    }
}
