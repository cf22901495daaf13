//! `rota plan`: fill the rota from a week up to the horizon, keeping what is still valid.

use crate::error::{Error, Result};
use crate::ids::MemberId;
use crate::model::rota::{self, RotaWeek, Status, WeekFile};
use crate::model::{Model, Origin};
use crate::planner::{self, PlanRequest};
use crate::store::{Base, ChangeSet, FileWrite};
use crate::time::{IsoWeek, Timestamp};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;
use toml::Spanned;

/// What `rota plan` writes and prints.
#[derive(Debug)]
pub struct Planned {
    /// The files to write; no changes when the plan is already complete.
    pub set: ChangeSet,
    /// What changed for whom, then `note: …` lines: every rule given up, and every warning
    /// `check` would print about the planned weeks.
    pub lines: Vec<String>,
    /// The weeks whose files change.
    pub weeks: Vec<IsoWeek>,
}

/// The change to one week's file: its crew and status as given, its swaps and covers kept.
pub fn week_change(model: &Model, week: IsoWeek, status: Status, crew: &[MemberId], now: &Now) -> FileWrite {
    let on_file = model.rota.get(&week);
    let swaps = on_file.map(|r| r.swaps.clone()).unwrap_or_default();
    let covers = on_file.map(|r| r.covers.clone()).unwrap_or_default();
    week_file(model, &RotaWeek { crew: crew.to_vec(), status, swaps, covers, ..blank(week) }, now)
}

/// The time a write happens, stamped in the files it writes.
pub type Now = DateTime<FixedOffset>;

/// The change that writes `r` as its week's file, stamped with the next rota-wide revision and
/// `now`, so a calendar client sees the event changed (SEQUENCE, LAST-MODIFIED).
pub fn week_file(model: &Model, r: &RotaWeek, now: &Now) -> FileWrite {
    let path = rota::path(r.week);
    let before = model.source(&path);
    let revision = model.rota.values().map(|x| x.revision).max().unwrap_or(0) + 1;
    let stamped = RotaWeek { revision, changed: Some(Timestamp(*now)), ..r.clone() };
    FileWrite {
        contents: rota::week_text(&stamped).into_bytes(),
        base: before.map_or(Base::Absent, |b| Base::Bytes(b.as_bytes().to_vec())),
        path,
    }
}

/// A week with nobody, as the model would hold it, to build on.
pub fn blank(week: IsoWeek) -> RotaWeek {
    RotaWeek {
        week,
        status: Status::Planned,
        crew: Vec::new(),
        swaps: Vec::new(),
        covers: Vec::new(),
        revision: 0,
        changed: None,
        origin: Origin { path: rota::path(week), toml_start: 0 },
        file: WeekFile {
            week: None,
            status: Status::Planned,
            crew: Spanned::new(0..0, Vec::new()),
            swaps: Vec::new(),
            covers: Vec::new(),
            revision: None,
            changed: None,
        },
    }
}

/// The rota on file with `weeks` planned over it, as `check` would see it after the write.
pub fn rota_with(model: &Model, weeks: &BTreeMap<IsoWeek, Vec<MemberId>>) -> BTreeMap<IsoWeek, RotaWeek> {
    let mut out = model.rota.clone();
    for (w, crew) in weeks {
        let r = out.entry(*w).or_insert_with(|| blank(*w));
        r.crew = crew.clone();
        r.status = Status::Planned;
    }
    out
}

/// The first week the planner may write: the current one on a new rota, else the next one.
pub fn first_plannable(model: &Model, today: IsoWeek) -> IsoWeek {
    if model.rota.is_empty() {
        today
    } else {
        today.next()
    }
}

/// `2026-W48`, `2026-W48 to 2026-W50`, `2026-W48, 2026-W52 to 2027-W01`: the weeks as runs.
pub fn weeks_text(weeks: &[IsoWeek]) -> String {
    let mut runs: Vec<(IsoWeek, IsoWeek)> = Vec::new();
    for w in weeks {
        match runs.last_mut() {
            Some((_, last)) if last.next() == *w => *last = *w,
            _ => runs.push((*w, *w)),
        }
    }
    let text: Vec<String> =
        runs.iter().map(|(f, l)| if f == l { f.to_string() } else { format!("{f} to {l}") }).collect();
    text.join(", ")
}

/// Plans `from..=until` (`from` defaults to the first plannable week) and returns the files
/// to write, what to print, and a commit message naming the weeks that change.
pub fn plan(model: &Model, now: &Now, from: Option<IsoWeek>, until: IsoWeek) -> Result<Planned> {
    let today = model.settings.schedule.week_at(now);
    let first = first_plannable(model, today);
    let from = from.unwrap_or(first);
    if from < first {
        return Err(Error::usage(format!(
            "--from {from} is before the first week that can be planned ({first}): past and current weeks are history"
        )));
    }
    if until < from {
        return Err(Error::usage(format!("--until {until} is before the first week to plan ({from})")));
    }
    let (changes, lines, crews) = planned_changes(model, now, from, until);
    let weeks: Vec<IsoWeek> = crews.keys().copied().collect();
    let message = if weeks.is_empty() {
        String::new()
    } else {
        format!("rota: plan {}\n\n{}", weeks_text(&weeks), lines.join("\n"))
    };
    Ok(Planned { set: ChangeSet { message, changes }, lines, weeks })
}

/// The planner's plan of `from..=until` over the rota on file, and the change to each week it
/// fills, through the rota's own writer: the one re-plan loop of `rota plan` and `crew away`.
pub fn replan(model: &Model, now: &Now, from: IsoWeek, until: IsoWeek) -> (planner::Plan, Vec<FileWrite>) {
    let plan = planner::plan(&PlanRequest {
        settings: &model.settings,
        crew: &model.crew,
        existing: &model.rota,
        from,
        until,
    });
    let changes =
        plan.weeks.iter().map(|(w, crew)| week_change(model, *w, Status::Planned, crew, now)).collect();
    (plan, changes)
}

/// The planned files, the lines to print, and the crews of the weeks that change.
pub fn planned_changes(
    model: &Model,
    now: &Now,
    from: IsoWeek,
    until: IsoWeek,
) -> (Vec<FileWrite>, Vec<String>, BTreeMap<IsoWeek, Vec<MemberId>>) {
    let (plan, changes) = replan(model, now, from, until);
    let today = model.settings.schedule.week_at(now);
    let mut lines: Vec<String> = plan.changes.iter().map(|c| c.to_string()).collect();
    let mut notes = plan.notes.clone();
    notes.extend(unnoted_warnings(model, today, from, &plan.weeks, &plan.notes));
    lines.extend(notes.iter().map(|n| format!("note: {n}")));
    (changes, lines, plan.weeks)
}

/// The warnings `check` would give on the planned weeks (from `from` on) that no note of the
/// plan names yet: a re-plan that keeps a week may leave a relaxation the planner never chose.
fn unnoted_warnings(
    model: &Model,
    today: IsoWeek,
    from: IsoWeek,
    weeks: &BTreeMap<IsoWeek, Vec<MemberId>>,
    notes: &[String],
) -> Vec<String> {
    if weeks.is_empty() {
        return Vec::new();
    }
    let after = rota_with(model, weeks);
    let before = planner::violations(&model.settings, &model.crew, &model.rota, today);
    planner::violations(&model.settings, &model.crew, &after, today)
        .into_iter()
        .filter(|v| !v.severity_error && v.week >= from)
        .filter(|v| !before.contains(v) || weeks.contains_key(&v.week))
        .filter(|v| !notes.iter().any(|n| n.starts_with(&format!("{}:", v.week))))
        .map(|v| format!("{}: `check` will warn ({}): {}", v.week, v.code, v.message))
        .collect()
}
