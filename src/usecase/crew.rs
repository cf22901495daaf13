//! `watchbill crew add|team|edit|away`: the edits of `crew.toml`, and the planned weeks that
//! time away breaks, planned again in the same change.

use crate::error::{Error, Result};
use crate::ids::{MemberId, TeamId};
use crate::model::crew::{edit, Away, Crew, FILE};
use crate::model::{Model, RawFile};
use crate::parse::Source;
use crate::store::{Base, ChangeSet, FileWrite};
use chrono::{DateTime, FixedOffset, NaiveDate};

/// A file's current bytes where the write lands (`None`: not there), as `store::apply_edit`
/// gives them to each attempt.
pub type Current<'a> = &'a dyn Fn(&str) -> Result<Option<Vec<u8>>>;

/// `crew add`: the member, in a team that exists.
pub fn add(model: &Model, m: &edit::NewMember, current: Current) -> Result<ChangeSet> {
    team_exists(model, m.team)?;
    let message = format!("crew: add {} (team {})", m.id, m.team);
    crew_change(current, message, |t| edit::add_member(t, m))
}

/// `crew team`: a new product team.
pub fn team(id: &TeamId, name: &str, current: Current) -> Result<ChangeSet> {
    crew_change(current, format!("crew: add team {id} ({name})"), |t| edit::add_team(t, id, name))
}

/// `crew edit`: only the fields given change; a new team must exist.
pub fn change(model: &Model, id: &MemberId, c: &edit::MemberChanges, current: Current) -> Result<ChangeSet> {
    if let Some(t) = c.team {
        team_exists(model, t)?;
    }
    let mut what = Vec::new();
    if let Some(t) = c.team {
        what.push(format!("moves to team {t}"));
    }
    match c.active {
        Some(false) => what.push("inactive".into()),
        Some(true) => what.push("active".into()),
        None => {}
    }
    if what.is_empty() {
        what.push("details".into());
    }
    crew_change(current, format!("crew: {id} {}", what.join(", ")), |t| edit::change_member(t, id, c))
}

/// What `crew away` records.
pub struct TimeAway<'a> {
    pub member: &'a MemberId,
    /// The first day away.
    pub from: NaiveDate,
    /// The last day away, included.
    pub to: NaiveDate,
    pub reason: Option<&'a str>,
}

/// What `crew away` writes and prints.
#[derive(Debug)]
pub struct Recorded {
    pub set: ChangeSet,
    /// What the re-plan changed for whom, as sentences.
    pub replanned: Vec<String>,
}

/// `crew away`: the time away in crew.toml and, in the same change, the planned weeks it breaks
/// planned again (see [`replanned`]).
pub fn away(model: &Model, now: DateTime<FixedOffset>, a: &TimeAway, current: Current) -> Result<Recorded> {
    if a.from > a.to {
        return Err(Error::usage(format!("--from {} is after --to {}", a.from, a.to))
            .help("--from is the first day away, --to the last"));
    }
    let away = Away {
        from: crate::time::Date(a.from),
        to: crate::time::Date(a.to),
        reason: a.reason.map(String::from),
    };
    let message = format!("crew: {} away {} to {}", a.member, a.from, a.to);
    let mut set = crew_change(current, message, |t| edit::add_away(t, a.member, &away))?;
    let after = String::from_utf8_lossy(&set.changes[0].contents).into_owned();
    // What each rota file holds where the write lands (a missing one is new).
    let base = |path: &str| current(path).ok().flatten();
    let (changes, lines) = replanned(model, now, &after, &base);
    if !lines.is_empty() {
        set.message = format!("{}\n\nre-planned:\n{}", set.message, lines.join("\n"));
    }
    set.changes.extend(changes);
    Ok(Recorded { set, replanned: lines })
}

fn team_exists(model: &Model, team: &TeamId) -> Result<()> {
    match model.crew.team(team.as_str()) {
        Some(_) => Ok(()),
        None => Err(Error::refused(format!("there is no team `{team}`"))
            .help(format!("add it first: watchbill crew team {team} --name \"…\""))),
    }
}

/// The change of crew.toml by `edit`, on its current text (a missing file counts as empty),
/// refused when the edit fails or would leave a file watchbill cannot read.
fn crew_change(
    current: Current,
    message: String,
    edit: impl Fn(&str) -> std::result::Result<String, String>,
) -> Result<ChangeSet> {
    let before = current(FILE)?;
    let text = before.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
    let after = edit(&text).map_err(|e| Error::refused(e).help("see `watchbill crew list`"))?;
    Source::toml_file(FILE, &after)
        .parse::<Crew>()
        .map_err(|d| Error::problems("the edit would leave crew.toml invalid", vec![d]))?;
    let change = FileWrite {
        path: FILE.to_string(),
        contents: after.into_bytes(),
        base: before.map_or(Base::Absent, Base::Bytes),
    };
    Ok(ChangeSet { message, changes: vec![change] })
}

/// The rota weeks to write when crew.toml becomes `crew_text`: the planned weeks from next week
/// to the end of the plan, planned again by the planner, which changes only what must change
/// (a member now away hands their term to someone free). Confirmed weeks are never re-planned:
/// time away during one is left to the write gate to refuse, with the swap that frees it.
/// `base` says what each rota file holds where the write lands. Returns the changes and what
/// changed for whom, as sentences.
pub fn replanned(
    model: &Model,
    now: DateTime<FixedOffset>,
    crew_text: &str,
    base: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> (Vec<FileWrite>, Vec<String>) {
    let mut after = model.clone();
    let touched = [FILE.to_string()].into_iter().collect();
    after.replace_files(&touched, vec![RawFile { path: FILE.into(), bytes: crew_text.as_bytes().to_vec() }]);
    let from = after.settings.schedule.week_at(&now).next();
    let Some(until) = after.rota.keys().next_back().copied().filter(|last| *last >= from) else {
        return (Vec::new(), Vec::new());
    };
    let (plan, mut changes) = super::plan::replan(&after, &now, from, until);
    for c in &mut changes {
        c.base = base(&c.path).map_or(Base::Absent, Base::Bytes);
    }
    (changes, plan.changes.iter().map(ToString::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    fn example() -> (Model, DateTime<FixedOffset>, String) {
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").expect("a time");
        let files: Vec<RawFile> = crate::example::raw_files(now);
        let crew =
            files.iter().find(|f| f.path == FILE).map(|f| String::from_utf8_lossy(&f.bytes).into_owned());
        (model::load(files).model, now, crew.unwrap_or_default())
    }

    fn id<T: std::str::FromStr>(s: &str) -> T {
        s.parse().ok().expect("an id")
    }

    #[test]
    fn a_member_joins_a_team_that_exists_and_the_edit_keeps_the_file() {
        let (m, _, text) = example();
        let read = |_: &str| Ok(Some(text.clone().into_bytes()));
        let (bob, nowhere, certif): (MemberId, TeamId, TeamId) = (id("bob2"), id("nowhere"), id("certif"));
        let new =
            |team| edit::NewMember { id: &bob, name: "Bob", team, email: None, github: None, active: true };
        let err = add(&m, &new(&nowhere), &read).expect_err("no such team");
        assert!(err.message.contains("there is no team `nowhere`"), "{}", err.message);
        let set = add(&m, &new(&certif), &read).map_err(|e| e.message).expect("added");
        let after = String::from_utf8_lossy(&set.changes[0].contents).into_owned();
        assert!(after.starts_with(&text) && after.contains("id = \"bob2\""), "appended:\n{after}");
        assert_eq!(set.changes[0].base, Base::Bytes(text.into_bytes()));
        assert_eq!(set.message, "crew: add bob2 (team certif)");
    }

    #[test]
    fn time_away_ending_before_it_starts_is_refused() {
        let (m, now, text) = example();
        let read = |_: &str| Ok(Some(text.clone().into_bytes()));
        let louis: MemberId = id("louis");
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date");
        let a = TimeAway { member: &louis, from: day("2026-12-02"), to: day("2026-12-01"), reason: None };
        assert!(away(&m, now, &a, &read).is_err());
    }
}
