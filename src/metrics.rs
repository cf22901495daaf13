//! Objectives that measure themselves: attainment computed from the records (pure).
//!
//! TODO(issue 5): implement `evaluate`. The types below are the contract the scoreboard, the
//! status view and `review` read.

use crate::ids::{AxisId, ObjectiveId};
use crate::model::objective::{Comparison, Objective, Unit};
use crate::model::Model;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// The judgement of an objective over its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Missed,
    /// No sample in the window: never a pass.
    NoData,
}

/// One window's value, for the trend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    /// RFC 3339 start and end (exclusive) of the window.
    pub from: String,
    pub to: String,
    pub value: Option<f64>,
    pub verdict: Verdict,
    pub samples: usize,
}

/// An objective evaluated at a time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub id: ObjectiveId,
    pub title: String,
    pub area: Option<AxisId>,
    pub unit: Unit,
    /// The per-record bound, when the aggregate judges records.
    pub bound: Option<Comparison>,
    pub target: Comparison,
    /// RFC 3339 start and end (exclusive) of the current window.
    pub from: String,
    pub to: String,
    /// The aggregate over the window; `None` when there is no sample.
    pub value: Option<f64>,
    pub verdict: Verdict,
    /// `verdict == Met`, for JSON consumers.
    pub met: bool,
    /// How many records the value is computed from.
    pub samples: usize,
    /// Records (entry ids, members, check-in paths) that miss the per-record bound.
    pub misses: Vec<String>,
    /// Records that lack the field the measure needs (an incident not fixed yet): reported
    /// apart, never counted as zero.
    pub incomplete: Vec<String>,
    /// The previous windows, oldest first, then the current one.
    pub trend: Vec<TrendPoint>,
}

/// Evaluates one objective over its window ending at `at`.
pub fn evaluate(model: &Model, objective: &Objective, at: DateTime<FixedOffset>) -> Evaluation {
    let _ = (model, at);
    Evaluation {
        id: objective.id.clone(),
        title: objective.file.title.clone(),
        area: objective.file.area.as_ref().map(|a| a.get_ref().clone()),
        unit: objective.unit,
        bound: objective.bound,
        target: objective.target,
        from: String::new(),
        to: String::new(),
        value: None,
        verdict: Verdict::NoData,
        met: false,
        samples: 0,
        misses: Vec::new(),
        incomplete: Vec::new(),
        trend: Vec::new(),
    }
}

/// Every objective, by id.
pub fn evaluate_all(model: &Model, at: DateTime<FixedOffset>) -> Vec<Evaluation> {
    model.objectives.values().map(|o| evaluate(model, o, at)).collect()
}
