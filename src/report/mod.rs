//! What the summaries show: one serializable data model per view, built purely from the model.
//!
//! `watchbill render VIEW --format json` prints exactly these values, and the templates (see
//! [`crate::render`]) turn the same values into Markdown, HTML, Slack or plain text, so people
//! can write their own templates from the JSON. `docs/render.md` documents every field.
//!
//! Every page is `{meta, <view>: …}`; the summary carries all four views. Times are RFC 3339
//! strings with their offset; durations are minutes (numbers) next to a human form.

pub mod journal;
pub mod maturity;
pub mod org;
pub mod quarter;
pub mod rota;
pub mod scoreboard;

use crate::ids::MemberId;
use crate::model::logbook::Entry;
use crate::model::Model;
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// What to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The weekly logbook page: handover, incidents with their times, notes, ongoing work, next crew.
    Journal,
    /// Objectives with value, target, verdict and trend; incidents per week.
    Scoreboard,
    /// The plan ahead and recent history.
    Rota,
    /// The maturity matrix and its levels over time.
    Maturity,
    /// All of the above for one week: the page CI publishes.
    Summary,
}

impl View {
    pub const ALL: [View; 5] = [View::Journal, View::Scoreboard, View::Rota, View::Maturity, View::Summary];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Journal => "journal",
            View::Scoreboard => "scoreboard",
            View::Rota => "rota",
            View::Maturity => "maturity",
            View::Summary => "summary",
        }
    }
}

/// The weeks a page covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// One week in focus (`--week`, or the current one): the rota shows the weeks around it.
    Week(IsoWeek),
    /// Exactly these weeks, both included (`--from … --to …`).
    Range(IsoWeek, IsoWeek),
}

impl Period {
    pub fn first(self) -> IsoWeek {
        match self {
            Period::Week(w) => w,
            Period::Range(from, _) => from,
        }
    }

    pub fn last(self) -> IsoWeek {
        match self {
            Period::Week(w) => w,
            Period::Range(_, to) => to,
        }
    }
}

/// A member as summaries show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// The team's name.
    pub team: String,
    pub team_id: String,
}

/// A member by id; one no longer in `crew.toml` keeps their id as a name.
pub fn person(model: &Model, id: &MemberId) -> Person {
    let m = model.member(id);
    let team_id = m.map_or_else(String::new, |m| m.team_id().to_string());
    Person {
        id: id.to_string(),
        name: m.map_or_else(|| id.to_string(), |m| m.name.clone()),
        team: model.crew.team(&team_id).map_or_else(|| team_id.clone(), |t| t.name.clone()),
        team_id,
    }
}

pub fn people(model: &Model, ids: &[MemberId]) -> Vec<Person> {
    ids.iter().map(|m| person(model, m)).collect()
}

/// A duration as a person says it (see [`crate::format::duration`]).
pub use crate::format::duration as human;

/// Minutes, to the second, as a number for charts and JSON.
pub fn minutes(d: chrono::Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

/// Entries sorted by their time, then id.
pub fn sorted<'m>(entries: impl Iterator<Item = &'m Entry>) -> Vec<&'m Entry> {
    let mut v: Vec<&Entry> = entries.collect();
    // Compared in place: a key with the id cloned costs an allocation per comparison.
    v.sort_by(|a, b| {
        (a.meta.when().map(|t| t.get_ref().0), &a.id).cmp(&(b.meta.when().map(|t| t.get_ref().0), &b.id))
    });
    v
}

/// The median, as the objectives compute it (one definition for the whole crate).
pub use crate::metrics::median;

/// What every page says about itself.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    /// The crew's name (`name` in watchbill.toml).
    pub name: String,
    pub view: &'static str,
    /// `--now`: when the page was made.
    pub generated: String,
    /// The instant the page describes: `generated`, or the end of the last week's watch if
    /// that is earlier (a past week is shown as it stood when its watch ended).
    pub at: String,
    pub timezone: String,
    /// The week in focus (the last one of the period).
    pub week: IsoWeek,
    pub from: IsoWeek,
    pub to: IsoWeek,
    /// The week whose watch holds `generated`.
    pub current: IsoWeek,
}

/// One rendered page's data: `meta` and the views it shows.
#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub meta: Meta,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<journal::Journal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoreboard: Option<scoreboard::Scoreboard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rota: Option<rota::Rota>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maturity: Option<maturity::Maturity>,
}

/// The instant a period is shown at: now, or the end of its last watch if that is earlier.
pub fn shown_at(model: &Model, period: Period, now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let end = model.settings.schedule.handover(period.last().next()).fixed_offset();
    now.min(end)
}

/// The data of `view` over `period`, as it stands at `now`. Pure and deterministic.
pub fn page(model: &Model, view: View, period: Period, now: DateTime<FixedOffset>) -> Page {
    let at = shown_at(model, period, now);
    let schedule = &model.settings.schedule;
    let meta = Meta {
        name: model.settings.name.clone(),
        view: view.as_str(),
        generated: rfc3339(&now),
        at: rfc3339(&at),
        timezone: schedule.tz.name().to_string(),
        week: period.last(),
        from: period.first(),
        to: period.last(),
        current: schedule.week_at(&now),
    };
    let wants = |v: View| view == v || view == View::Summary;
    // Objectives are evaluated once: the scoreboard and the maturity evidence share them.
    let evaluations = if wants(View::Scoreboard) || wants(View::Maturity) {
        crate::metrics::evaluate_all(model, at)
    } else {
        Vec::new()
    };
    Page {
        meta,
        journal: wants(View::Journal).then(|| journal::build(model, period, now)),
        scoreboard: wants(View::Scoreboard).then(|| scoreboard::build(model, period, at, &evaluations)),
        rota: wants(View::Rota).then(|| rota::build(model, period, now)),
        maturity: wants(View::Maturity).then(|| maturity::build(model, at, &evaluations)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_empty_lists() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN]), None);
    }
}
