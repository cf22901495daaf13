//! `watchbill crew add|team|edit|away`: the edits of `crew.toml`, and the planned weeks that
//! time away breaks, planned again in the same change.

use crate::error::{Error, Result};
use crate::ids::{MemberId, TeamId};
use crate::model::crew::{edit, Away, Crew, FILE};
use crate::model::{Model, RawFile};
use crate::parse::Source;
use crate::store::{Base, Change, ChangeSet};
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
    let change = Change {
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
) -> (Vec<Change>, Vec<String>) {
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
