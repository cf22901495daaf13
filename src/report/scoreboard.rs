//! The scoreboard: every objective with its value, target, verdict and trend (from
//! [`crate::metrics`]), and the incidents of recent weeks with their restore times.

use super::{median, minutes, person, Period, Person};
use crate::format;
use crate::metrics::{Evaluation, Verdict};
use crate::model::logbook::{Kind, Severity};
use crate::model::Model;
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeMap;

/// Weeks of incident history the scoreboard shows at least (half a year).
pub const HISTORY_WEEKS: i64 = 26;

#[derive(Clone, Debug, Serialize)]
pub struct Scoreboard {
    /// When the objectives are evaluated (`meta.at`).
    pub at: String,
    /// Objectives met, those at risk among them included.
    pub met: usize,
    /// Objectives met but likely to be missed (`risk` says why).
    pub at_risk: usize,
    pub missed: usize,
    pub no_data: usize,
    pub objectives: Vec<Objective>,
    /// Incidents per week, oldest first: the last 26 weeks of the period at least.
    pub incidents: Vec<IncidentWeek>,
}

/// An objective: its evaluation (every field of `metrics::Evaluation`) plus what people read.
#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// What the CLI says: `met`, `at_risk` (met, but `risk` says why it is likely to be
    /// missed), `missed` or `no_data`.
    pub status: &'static str,
    /// The same as people read it: "met", "at risk", "missed", "no data".
    pub status_text: &'static str,
    /// "≥ 80%", "< 10 min".
    pub target_text: String,
    /// What each record must meet, "< 10 min", when the aggregate judges records.
    pub bound_text: Option<String>,
    /// "83.3%", "4.5 min", or "no data".
    pub value_text: String,
    pub owner: Option<Person>,
    /// The name of the maturity axis the objective belongs to.
    pub area_name: Option<String>,
    pub why: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub review: Option<String>,
    /// The roadmap.
    pub actions: Vec<Action>,
    pub actions_done: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Action {
    pub title: String,
    pub owner: Option<Person>,
    pub due: Option<String>,
    pub done: bool,
}

/// One week's incidents, for the chart of incidents per week with restore times.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentWeek {
    pub week: IsoWeek,
    pub incidents: usize,
    pub critical: usize,
    pub major: usize,
    pub minor: usize,
    /// Incidents without a severity.
    pub unrated: usize,
    pub tickets: u32,
    /// Minutes from `started` to `restored` of the week's restored incidents.
    pub restore_minutes: Vec<f64>,
    pub restore_median_minutes: Option<f64>,
    pub restore_max_minutes: Option<f64>,
}

impl IncidentWeek {
    fn empty(week: IsoWeek) -> IncidentWeek {
        IncidentWeek {
            week,
            incidents: 0,
            critical: 0,
            major: 0,
            minor: 0,
            unrated: 0,
            tickets: 0,
            restore_minutes: Vec::new(),
            restore_median_minutes: None,
            restore_max_minutes: None,
        }
    }
}

/// The value in the target's terms ("83.3%", "4.5 min", "no data"), never rounded so as to
/// look as if it met a target it misses.
fn value_text(e: &Evaluation) -> String {
    match e.value {
        None => "no data".into(),
        Some(v) => format::value_against(v, e.unit, e.aggregate, &e.target, e.verdict == Verdict::Met),
    }
}

/// The verdict as the CLI gives it, with "at risk" apart from "met".
fn status(e: &Evaluation) -> (&'static str, &'static str) {
    match e.verdict {
        Verdict::Met if e.at_risk => ("at_risk", "at risk"),
        Verdict::Met => ("met", "met"),
        Verdict::Missed => ("missed", "missed"),
        Verdict::NoData => ("no_data", "no data"),
    }
}

fn objective(model: &Model, e: &Evaluation) -> Objective {
    let file = model.objectives.get(&e.id).map(|o| &o.file);
    let actions: Vec<Action> = file
        .map(|f| {
            f.actions
                .iter()
                .map(|a| Action {
                    title: a.title.clone(),
                    owner: a.owner.as_ref().map(|o| person(model, o.get_ref())),
                    due: a.due.map(|d| d.0.format("%Y-%m-%d").to_string()),
                    done: a.done,
                })
                .collect()
        })
        .unwrap_or_default();
    let area_name = e
        .area
        .as_ref()
        .and_then(|a| model.maturity.as_ref().and_then(|m| m.axis(a.as_str())).map(|axis| axis.name.clone()));
    let (status, status_text) = status(e);
    Objective {
        status,
        status_text,
        target_text: format::target(&e.target, e.unit, e.aggregate),
        bound_text: e.bound.as_ref().map(|b| format::comparison(b, e.unit)),
        value_text: value_text(e),
        owner: file.and_then(|f| f.owner.as_ref()).map(|o| person(model, o.get_ref())),
        area_name,
        why: file.and_then(|f| f.why.clone()),
        due: file.and_then(|f| f.due).map(|d| d.0.format("%Y-%m-%d").to_string()),
        review: file.and_then(|f| f.review.clone()),
        actions_done: actions.iter().filter(|a| a.done).count(),
        actions,
        evaluation: e.clone(),
    }
}

/// Incidents per week over `weeks`, from one pass over the logbook.
pub fn incidents_per_week(model: &Model, first: IsoWeek, last: IsoWeek) -> Vec<IncidentWeek> {
    let mut by_week: BTreeMap<IsoWeek, IncidentWeek> =
        first.through(last).map(|w| (w, IncidentWeek::empty(w))).collect();
    for e in model.entries.iter().filter(|e| e.meta.kind == Kind::Incident) {
        let Some(w) = by_week.get_mut(&e.week) else { continue };
        w.incidents += 1;
        match e.meta.severity {
            Some(Severity::Critical) => w.critical += 1,
            Some(Severity::Major) => w.major += 1,
            Some(Severity::Minor) => w.minor += 1,
            None => w.unrated += 1,
        }
        w.tickets += e.meta.tickets.unwrap_or(0);
        if let (Some(s), Some(r)) = (e.meta.timestamp("started"), e.meta.timestamp("restored")) {
            w.restore_minutes.push(minutes(r.0 - s.0));
        }
    }
    by_week
        .into_values()
        .map(|mut w| {
            w.restore_minutes.sort_by(f64::total_cmp);
            w.restore_median_minutes = median(&w.restore_minutes);
            w.restore_max_minutes = w.restore_minutes.last().copied();
            w
        })
        .collect()
}

pub fn build(
    model: &Model,
    period: Period,
    at: DateTime<FixedOffset>,
    evaluations: &[Evaluation],
) -> Scoreboard {
    let objectives: Vec<Objective> = evaluations.iter().map(|e| objective(model, e)).collect();
    let count = |v: Verdict| evaluations.iter().filter(|e| e.verdict == v).count();
    let last = period.last();
    let first = period.first().min(last.plus(1 - HISTORY_WEEKS));
    Scoreboard {
        at: rfc3339(&at),
        met: count(Verdict::Met),
        at_risk: evaluations.iter().filter(|e| e.at_risk).count(),
        missed: count(Verdict::Missed),
        no_data: count(Verdict::NoData),
        objectives,
        incidents: incidents_per_week(model, first, last),
    }
}
