//! The maturity matrix: its axes and levels, the assessments over time, and whether the
//! objectives named as evidence of a level are met.

use crate::metrics::{Evaluation, Verdict};
use crate::model::Model;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Maturity {
    /// The most levels any axis has (the top of the scale).
    pub top: u32,
    /// The dates of the assessments shown (`YYYY-MM-DD`), oldest first: those made by
    /// `meta.at`.
    pub dates: Vec<String>,
    pub axes: Vec<Axis>,
    /// The same assessments, whole.
    pub assessments: Vec<Assessment>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Axis {
    pub id: String,
    pub name: String,
    /// The level aimed for.
    pub target: Option<u32>,
    pub levels: Vec<Level>,
    /// The level of the latest assessment that rates this axis.
    pub current: Option<u32>,
    pub current_description: Option<String>,
    /// `current >= target`.
    pub at_target: bool,
    /// The highest level the evidence supports today (`null` when no level names evidence).
    pub evidenced: Option<u32>,
    /// Set, as `maturity show` says it, when the current level is at or above a level whose
    /// evidence does not hold: "level 3 is claimed, but the evidence supports 2: …".
    pub flag: Option<String>,
    /// One point per date of `dates`, in the same order; `level` is null when that
    /// assessment did not rate this axis.
    pub history: Vec<Point>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Level {
    /// 1, 2, …
    pub level: u32,
    pub description: String,
    pub evidence: Vec<Evidence>,
}

/// An objective named as evidence of a level, and its verdict at `meta.at`.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub id: String,
    pub title: Option<String>,
    /// `met`, `missed` or `no_data`; `unknown` when no objective has this id.
    pub verdict: &'static str,
    /// Met, but likely to be missed.
    pub at_risk: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub date: String,
    pub level: Option<u32>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub date: String,
    pub by: Option<String>,
    pub levels: BTreeMap<String, u32>,
    pub notes: BTreeMap<String, String>,
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Met => "met",
        Verdict::Missed => "missed",
        Verdict::NoData => "no_data",
    }
}

pub fn build(model: &Model, at: DateTime<FixedOffset>, evaluations: &[Evaluation]) -> Maturity {
    let today = model.settings.schedule.local_date(&at);
    let mut assessed: Vec<&crate::model::maturity::Assessment> =
        model.assessments.iter().filter(|a| a.date <= today).collect();
    assessed.sort_by_key(|a| a.date);
    let dates: Vec<String> = assessed.iter().map(|a| a.date.format("%Y-%m-%d").to_string()).collect();
    let statuses = crate::metrics::maturity_of(model, at, evaluations);
    let axes: Vec<Axis> = model
        .maturity
        .iter()
        .flat_map(|m| m.axes.iter())
        .map(|axis| {
            let id = axis.id.get_ref();
            let history: Vec<Point> = assessed
                .iter()
                .zip(&dates)
                .map(|(a, date)| Point {
                    date: date.clone(),
                    level: a.file.levels.get(id).map(|l| *l.get_ref()),
                    note: a.file.notes.get(id).cloned(),
                })
                .collect();
            let current = history.iter().rev().find_map(|p| p.level);
            let status = statuses.iter().find(|s| s.id.as_str() == id.as_str());
            let target = axis.target.as_ref().map(|t| *t.get_ref());
            let levels: Vec<Level> = axis
                .levels
                .iter()
                .zip(1u32..)
                .map(|(l, n)| Level {
                    level: n,
                    description: l.description.clone(),
                    evidence: l
                        .evidence
                        .iter()
                        .map(|o| {
                            let e = evaluations.iter().find(|e| &e.id == o.get_ref());
                            Evidence {
                                id: o.get_ref().to_string(),
                                title: e.map(|e| e.title.clone()),
                                verdict: e.map_or("unknown", |e| verdict(e.verdict)),
                                at_risk: e.is_some_and(|e| e.at_risk),
                            }
                        })
                        .collect(),
                })
                .collect();
            Axis {
                id: id.to_string(),
                name: axis.name.clone(),
                target,
                current,
                current_description: current
                    .and_then(|c| levels.get((c as usize).checked_sub(1)?))
                    .map(|l| l.description.clone()),
                at_target: matches!((current, target), (Some(c), Some(t)) if c >= t),
                evidenced: status.and_then(|s| s.evidenced),
                flag: status.and_then(|s| s.flag.clone()),
                levels,
                history,
            }
        })
        .collect();
    let top = axes.iter().map(|a| a.levels.len() as u32).max().unwrap_or(0);
    let assessments = assessed
        .iter()
        .zip(&dates)
        .map(|(a, date)| Assessment {
            date: date.clone(),
            by: a.file.by.clone(),
            levels: a.file.levels.iter().map(|(k, v)| (k.to_string(), *v.get_ref())).collect(),
            notes: a.file.notes.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        })
        .collect();
    Maturity { top, dates, axes, assessments }
}
